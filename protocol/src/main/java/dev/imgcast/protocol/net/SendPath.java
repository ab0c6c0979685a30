package dev.imgcast.protocol.net;

/**
 * How a sender's datagrams left its socket: how many went in UDP GSO sends (one trip through the
 * kernel for a run of datagrams) and how many alone, and why GSO was not used, if it was not.
 * Written on the sender's event loop; read once the run is over.
 */
public final class SendPath {
    private long gsoSends;
    private long gsoDatagrams;
    private long single;
    private String gsoOff;

    void gso(int datagrams) {
        gsoSends++;
        gsoDatagrams += datagrams;
    }

    void single() {
        single++;
    }

    void gsoOff(String why) {
        if (gsoOff == null) {
            gsoOff = why;
        }
    }

    public long gsoSends() {
        return gsoSends;
    }

    public long gsoDatagrams() {
        return gsoDatagrams;
    }

    /** One line for a transfer report. */
    public String describe() {
        String batched = gsoSends == 0 ? "" : String.format(java.util.Locale.ROOT,
                "UDP GSO: %d datagrams in %d sends (%.1f per send), ", gsoDatagrams, gsoSends,
                (double) gsoDatagrams / gsoSends);
        return batched + single + " sent alone" + (gsoOff == null ? "" : "; GSO off: " + gsoOff);
    }
}
