package dev.imgcast.session.service;

import dev.imgcast.session.model.Participant;
import dev.imgcast.session.model.ParticipantState;
import dev.imgcast.session.model.SessionRun;
import dev.imgcast.session.rules.StartRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bodies of the session events (catalogue in the module README). */
final class EventBodies {
    private EventBodies() {
    }

    static Map<String, Object> opened(SessionRun run) {
        return Map.of("session", session(run, false));
    }

    static Map<String, Object> participantRegistered(SessionRun run, Participant p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session", session(run, false));
        body.put("participant", participant(p));
        return body;
    }

    /** Everything a sender needs: group, port, key, source, and who is to receive. */
    static Map<String, Object> started(SessionRun run, List<Participant> participants) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session", session(run, true));
        body.put("participants", participants.stream()
                .filter(p -> p.state != ParticipantState.QUEUED).map(EventBodies::participant).toList());
        return body;
    }

    static Map<String, Object> finished(SessionRun run, List<Participant> participants) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("session", session(run, false));
        List<Participant> took = participants.stream().filter(p -> p.state != ParticipantState.QUEUED).toList();
        body.put("verified", took.stream().filter(p -> p.state == ParticipantState.VERIFIED && !p.master()).count());
        body.put("participants", took.stream().map(EventBodies::participant).toList());
        body.put("queuedForNextRun", participants.size() - took.size());
        return body;
    }

    private static Map<String, Object> session(SessionRun run, boolean withKey) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("runId", run.id);
        s.put("name", run.name);
        s.put("runNo", run.runNo);
        s.put("state", run.state.name());
        s.put("group", run.groupAddress);
        s.put("port", run.port);
        s.put("sourceKind", run.sourceKind.name());
        put(s, "imageId", run.imageId);
        put(s, "clients", run.clients);
        put(s, "time", run.timeMillis == null ? null : StartRules.minutesDecimal(run.timeMillis));
        put(s, "senderAddress", run.senderAddress);
        put(s, "startReason", run.startReason);
        put(s, "endReason", run.endReason);
        if (withKey) {
            s.put("key", run.sessionKey);
        }
        return s;
    }

    private static Map<String, Object> participant(Participant p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id);
        m.put("deviceId", p.deviceId);
        put(m, "hostname", p.hostname);
        put(m, "mac", p.mac);
        put(m, "address", p.address);
        m.put("role", p.role.name());
        m.put("state", p.state.name());
        put(m, "sha256", p.sha256);
        put(m, "reason", p.reason);
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
