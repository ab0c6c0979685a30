package dev.imgcast.protocol.engine;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;

/**
 * The parity symbols a receiver holds for groups it cannot rebuild yet (fewer symbols than missing
 * packets). A group's symbols are dropped once it is rebuilt or complete, or when its block must
 * be received again. Memory is bounded: past {@link #MAX_BYTES} a new symbol is refused (and the
 * receiver simply keeps needing it), so a receiver that missed everything cannot be made to hold
 * more than that.
 */
final class ParityStore {
    static final long MAX_BYTES = 64L << 20;

    /** The symbols of one group, in arrival order. */
    static final class Held {
        int count;
        int[] indices = new int[4];
        byte[][] symbols = new byte[4][];

        boolean has(int index) {
            for (int i = 0; i < count; i++) {
                if (indices[i] == index) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Map<Integer, Held> bySlot = new HashMap<>();
    private long bytes;

    /** Keeps a symbol; false if it is held already or the store is full. */
    boolean add(int slot, int index, ByteBuf from, int offset, int length) {
        Held held = bySlot.computeIfAbsent(slot, s -> new Held());
        if (held.has(index)) {
            return false;
        }
        if (bytes + length > MAX_BYTES) {
            if (held.count == 0) {
                bySlot.remove(slot);
            }
            return false;
        }
        if (held.count == held.indices.length) {
            held.indices = java.util.Arrays.copyOf(held.indices, held.count * 2);
            held.symbols = java.util.Arrays.copyOf(held.symbols, held.count * 2);
        }
        byte[] symbol = new byte[length];
        from.getBytes(offset, symbol);
        held.indices[held.count] = index;
        held.symbols[held.count++] = symbol;
        bytes += length;
        return true;
    }

    int count(int slot) {
        Held held = bySlot.get(slot);
        return held == null ? 0 : held.count;
    }

    Held get(int slot) {
        return bySlot.get(slot);
    }

    void remove(int slot) {
        Held held = bySlot.remove(slot);
        if (held != null) {
            for (int i = 0; i < held.count; i++) {
                bytes -= held.symbols[i].length;
            }
        }
    }

    boolean isEmpty() {
        return bySlot.isEmpty();
    }
}
