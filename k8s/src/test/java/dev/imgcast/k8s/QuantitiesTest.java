package dev.imgcast.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Resource quantities, compared as Kubernetes compares them (the resource checks depend on it). */
class QuantitiesTest {
    @Test
    void quantitiesCompareLikeKubernetes() {
        assertEquals(0, ResourceChecks.quantity("250m").compareTo(ResourceChecks.quantity("0.25")));
        assertEquals(0, ResourceChecks.quantity("1Gi").compareTo(ResourceChecks.quantity("1024Mi")));
        assertTrue(ResourceChecks.quantity("512Mi").compareTo(ResourceChecks.quantity("512M")) > 0);
        assertEquals(0, ResourceChecks.quantity("1e3").compareTo(ResourceChecks.quantity("1k")));
        assertEquals(null, ResourceChecks.quantity("lots"));
    }
}
