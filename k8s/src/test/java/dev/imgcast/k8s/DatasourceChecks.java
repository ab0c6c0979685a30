package dev.imgcast.k8s;

import static dev.imgcast.k8s.Rendering.containers;
import static dev.imgcast.k8s.Rendering.id;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgcast.k8s.Wiring.Env;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDBC URLs reach the PostgreSQL Service, its database and user, with the Flyway schema as
 * currentSchema and no two services on one Flyway history table; both ends read the same password.
 */
final class DatasourceChecks extends WiringContext {
    private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^?]+)(?:\\?(.*))?");

    DatasourceChecks(WiringContext shared) {
        super(shared);
    }

    void datasources() {
        Map<String, String> histories = new LinkedHashMap<>();
        for (String svc : List.of("session-service", "image-store")) {
            Map<String, Env> env = serviceEnv(svc);
            Env url = env.get("QUARKUS_DATASOURCE_JDBC_URL");
            if (url == null || url.literal() == null) {
                continue; // reported as missing
            }
            String where = svc + " QUARKUS_DATASOURCE_JDBC_URL";
            Matcher m = JDBC.matcher(url.literal());
            if (!m.matches()) {
                problem(where + " '" + url.literal() + "' is not jdbc:postgresql://HOST[:PORT]/DATABASE[?...]");
                continue;
            }
            int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
            String database = m.group(3);
            Map<String, String> params = new LinkedHashMap<>();
            if (m.group(4) != null) {
                for (String p : m.group(4).split("&")) {
                    int eq = p.indexOf('=');
                    params.put(eq < 0 ? p : p.substring(0, eq), eq < 0 ? "" : p.substring(eq + 1));
                }
            }
            Env flyway = env.get("QUARKUS_FLYWAY_SCHEMAS");
            String schema = flyway == null || flyway.literal() == null ? "public" : flyway.literal().split(",")[0].strip();
            String current = params.getOrDefault("currentSchema", "public");
            if (!current.equals(schema)) {
                problem(where + ": currentSchema " + current + " is not the Flyway schema " + schema
                        + " (QUARKUS_FLYWAY_SCHEMAS): Hibernate would look for the tables elsewhere");
            }
            String history = database + "/" + schema;
            histories.forEach((other, h) -> {
                if (h.equals(history)) {
                    problem(svc + " and " + other + " share the database and schema " + history
                            + " and so one Flyway history table: give each its own schema or database");
                }
            });
            histories.put(svc, history);
            Optional<JsonNode> db = reach(m.group(1), port, where);
            if (db.isEmpty()) {
                continue;
            }
            Map<String, Env> dbEnv = env(containers(db.get()).get(0));
            Env dbName = dbEnv.get("POSTGRES_DB");
            Env dbUser = dbEnv.get("POSTGRES_USER");
            String expectedDb = dbName != null ? dbName.literal() : dbUser != null ? dbUser.literal() : "postgres";
            if (!database.equals(expectedDb)) {
                problem(where + ": database " + database + ", but " + id(db.get()) + " creates " + expectedDb);
            }
            Env user = env.get("QUARKUS_DATASOURCE_USERNAME");
            String expectedUser = dbUser != null ? dbUser.literal() : "postgres";
            if (user != null && user.literal() != null && !user.literal().equals(expectedUser)) {
                problem(svc + " QUARKUS_DATASOURCE_USERNAME " + user.literal() + ", but " + id(db.get()) + " creates the user "
                        + expectedUser);
            }
            same(env.get("QUARKUS_DATASOURCE_PASSWORD"), dbEnv.get("POSTGRES_PASSWORD"), svc, id(db.get()));
        }
    }
}
