package dev.imgcast.protocol.wire;

/**
 * The packet types of wire format v3 and the fixed part of each body. A body may be longer than
 * its fixed part only for the types that carry a variable tail (manifest, data, join, status,
 * result, drop, parity, plan); a shorter one is malformed.
 */
public enum PacketType {
    /** sender → group: "a transfer is here", its state and its parameters. */
    ANNOUNCE(1, Announce.LENGTH, false, Announce.CLEAR_PREFIX),
    /** sender → one receiver: a chunk of the manifest. */
    MANIFEST(2, ManifestChunk.FIXED_LENGTH, true, 0),
    /** receiver → sender: register, and how much of the manifest it holds. */
    JOIN(3, Join.FIXED_LENGTH, true, 0),
    /** sender → one receiver: registration accepted or refused. */
    ACCEPT(4, Accept.LENGTH, false, 0),
    /** sender → group: payload of one packet of one block. */
    DATA(5, Data.FIXED_LENGTH, true, 0),
    /** sender → group: a round is over, report what is missing. */
    ROUND_END(6, RoundEnd.LENGTH, false, 0),
    /** receiver → sender: progress, loss and missing packets (NAK bitmaps). */
    STATUS(7, Status.FIXED_LENGTH, true, 0),
    /** sender → group: every receiver holds everything; verify and report. */
    VERIFY(8, Verify.LENGTH, false, 0),
    /** receiver → sender: the verified result (or the failure) of a receiver. */
    RESULT(9, Result.FIXED_LENGTH, true, 0),
    /** sender → one receiver or the group: you are dropped / the transfer is over, with a reason. */
    DROP(10, Drop.FIXED_LENGTH, true, 0),
    /** sender → group: one parity symbol of one packet group of one block (repair, or sent ahead). */
    PARITY(11, Parity.FIXED_LENGTH, true, 0),
    /** sender → group: repair already planned for the next round, so receivers need not ask again. */
    PLAN(12, Plan.FIXED_LENGTH, true, 0);

    private final int code;
    private final int fixedBodyLength;
    private final boolean variable;
    private final int clearPrefix;

    PacketType(int code, int fixedBodyLength, boolean variable, int clearPrefix) {
        this.code = code;
        this.fixedBodyLength = fixedBodyLength;
        this.variable = variable;
        this.clearPrefix = clearPrefix;
    }

    /** Body bytes sent in clear (authenticated, not encrypted): ANNOUNCE's key salt; 0 for the rest. */
    public int clearPrefix() {
        return clearPrefix;
    }

    public int code() {
        return code;
    }

    public int fixedBodyLength() {
        return fixedBodyLength;
    }

    public boolean variable() {
        return variable;
    }

    private static final PacketType[] BY_CODE = new PacketType[16];

    static {
        for (PacketType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    /** The type for a code, or null for an unknown one (no exception: bad input is counted). */
    public static PacketType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
