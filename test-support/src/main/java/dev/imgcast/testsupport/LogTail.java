package dev.imgcast.testsupport;

import java.util.List;

/** The end of a log, for a failure message that shows why without pages of start-up lines. */
public final class LogTail {
    private LogTail() {
    }

    /** The last {@code lines} lines of {@code text} (all of it when shorter). */
    public static String of(String text, int lines) {
        List<String> all = text.lines().toList();
        if (all.size() <= lines) {
            return text;
        }
        return "[... " + (all.size() - lines) + " lines before]\n"
                + String.join("\n", all.subList(all.size() - lines, all.size()));
    }
}
