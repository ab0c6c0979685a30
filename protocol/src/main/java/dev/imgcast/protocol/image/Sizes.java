package dev.imgcast.protocol.image;

import java.util.Locale;

/** Byte counts and rates the way people read them. */
public final class Sizes {
    private Sizes() {
    }

    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    public static String bitRate(double bitsPerSecond) {
        if (bitsPerSecond >= 1e9) {
            return String.format(Locale.ROOT, "%.2f Gbit/s", bitsPerSecond / 1e9);
        }
        return String.format(Locale.ROOT, "%.1f Mbit/s", bitsPerSecond / 1e6);
    }

    /** Parses "1400", "1M", "64k", "1G" (powers of 1024) into bytes. */
    public static long parseBytes(String text) {
        return parse(text, 1024);
    }

    /** Parses "500m", "1g", "100000k" (powers of 1000) into bits per second. */
    public static long parseBitRate(String text) {
        return parse(text, 1000);
    }

    private static long parse(String text, long base) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("bit") || t.endsWith("bps")) {
            t = t.substring(0, t.length() - 3);
        } else if (t.endsWith("ib") || t.endsWith("b")) {
            t = t.substring(0, t.length() - (t.endsWith("ib") ? 2 : 1));
        }
        long multiplier = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> multiplier = base;
                case 'm' -> multiplier = base * base;
                case 'g' -> multiplier = base * base * base;
                case 't' -> multiplier = base * base * base * base;
                default -> multiplier = 1;
            }
        }
        if (multiplier != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            double value = Double.parseDouble(t);
            if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
                throw new NumberFormatException();
            }
            return Math.round(value * multiplier);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "'");
        }
    }
}
