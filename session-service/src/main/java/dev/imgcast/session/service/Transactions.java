package dev.imgcast.session.service;

import dev.imgcast.session.domain.ConflictException;
import dev.imgcast.session.domain.SessionException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.util.function.Supplier;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

/** The transactions of the use cases. */
final class Transactions {
    private static final Logger LOG = Logger.getLogger(Transactions.class);
    private static final int MAX_RETRIES = 8;

    private Transactions() {
    }

    /** Runs {@code work} in a new transaction. */
    static <T> T reading(Supplier<T> work) {
        return QuarkusTransaction.requiringNew().call(work::get);
    }

    /**
     * Runs {@code work} in a new transaction, again if a uniqueness constraint tripped because
     * another request opened the same name or took the same group at the same moment.
     */
    static <T> T retrying(Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return QuarkusTransaction.requiringNew().call(work::get);
            } catch (RuntimeException e) {
                ConstraintViolationException cv = find(e, ConstraintViolationException.class);
                if (cv == null || attempt >= MAX_RETRIES) {
                    SessionException refused = find(e, SessionException.class);
                    if (refused != null) {
                        throw refused;
                    }
                    if (cv != null) {
                        throw new ConflictException("concurrent change, please retry (" + cv.getConstraintName() + ")");
                    }
                    throw e;
                }
                LOG.debugf("retrying after %s", cv.getConstraintName());
            }
        }
    }

    private static <X extends Throwable> X find(Throwable t, Class<X> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
