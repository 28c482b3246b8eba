package dev.trimtab.ingest.core;

/** Echoing text from a payload into a message: control characters escaped, length capped. */
public final class Text {
    private Text() {}

    public static String echo(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 120));
        for (int i = 0; i < s.length() && sb.length() < 120; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return s.length() > 120 ? sb + "..." : sb.toString();
    }
}
