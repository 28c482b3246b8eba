package dev.trimtab.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --batch FILE|-} of the offline query commands ({@code network can-reach|matrix},
 * {@code rbac can-i|who-can}): each line of FILE (stdin for {@code -}) one JSON object whose fields
 * are the arguments of one query, answered in order as the lines are read, so that thousands of
 * questions cost one start. Blank lines are skipped. A line that cannot be answered (not UTF-8, not
 * JSON, an unknown or missing field, a bad value) is answered {@code {"line":N,"error":"..."}} in its place,
 * named on stderr as {@code COMMAND: line N: ...}, and the batch goes on.
 */
public final class QueryBatch {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private QueryBatch() {}

    /** Answers one line: the objects to print for it, in order. A problem is an {@link IllegalArgumentException} naming it. */
    @FunctionalInterface
    public interface Answerer {
        List<Map<String, Object>> answer(Line line);
    }

    /** The lines of {@code file}, or of {@code stdin} when it is {@code -}, each strict UTF-8 ({@link Lines}). */
    public static Lines open(String file, InputStream stdin) throws IOException {
        return Lines.open(file, stdin);
    }

    /**
     * Answers every line of {@code in} in order, as it is read.
     *
     * @param command the prefix of stderr messages ({@code network}, {@code rbac})
     * @param fields  the fields a line may have; any other is an error naming it
     * @return how many lines could not be answered
     */
    public static int answer(
            Lines in, String command, List<String> fields, Answerer answerer, PrintStream out, PrintStream err)
            throws IOException {
        int bad = 0;
        for (Lines.Line l = in.next(); l != null; l = in.next()) {
            int n = l.number();
            String text = l.text();
            if (text != null && text.isBlank()) {
                continue;
            }
            List<Map<String, Object>> answers;
            try {
                if (text == null) {
                    throw new IllegalArgumentException(l.error());
                }
                answers = answerer.answer(Line.parse(text, fields));
            } catch (IllegalArgumentException e) {
                bad++;
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("line", n);
                error.put("error", e.getMessage());
                out.println(write(error));
                err.println(command + ": line " + n + ": " + e.getMessage());
                continue;
            }
            for (Map<String, Object> a : answers) {
                out.println(write(a));
            }
        }
        out.flush();
        return bad;
    }

    private static String write(Map<String, Object> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings, numbers and lists always serialize", e);
        }
    }

    /** One line's fields. Every accessor names the field, and its value, in the problems it throws. */
    public static final class Line {
        private final JsonNode fields;

        private Line(JsonNode fields) {
            this.fields = fields;
        }

        static Line parse(String text, List<String> allowed) {
            JsonNode node;
            try {
                node = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "not JSON: " + e.getOriginalMessage().replace('\n', ' '));
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException("got " + shown(node) + ", want a JSON object");
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    throw new IllegalArgumentException("unknown field "
                            + shown(JSON.getNodeFactory().textNode(name)) + ": want " + String.join(", ", allowed));
                }
            }
            return new Line(node);
        }

        /** A string that must be there and not be empty. */
        public String string(String field) {
            String s = optionalString(field);
            if (s.isEmpty()) {
                throw new IllegalArgumentException(field + ": required");
            }
            return s;
        }

        /** A string that may be left out (or null): then {@code ""}. */
        public String optionalString(String field) {
            JsonNode v = fields.get(field);
            if (v == null || v.isNull()) {
                return "";
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException(field + ": got " + shown(v) + ", want a string");
            }
            return v.textValue();
        }

        /** A string or a whole number that must be there, as text: {@code 80}, {@code "80/TCP"}. */
        public String stringOrNumber(String field) {
            JsonNode v = fields.get(field);
            if (v != null && v.isIntegralNumber()) {
                return v.asText();
            }
            if (v != null && !v.isNull() && !v.isTextual()) {
                throw new IllegalArgumentException(field + ": got " + shown(v) + ", want a number or a string");
            }
            return string(field);
        }

        /** A list of strings that may be left out (or null): then empty. */
        public List<String> strings(String field) {
            JsonNode v = fields.get(field);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw new IllegalArgumentException(field + ": got " + shown(v) + ", want a list of strings");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual() || v.get(i).textValue().isEmpty()) {
                    throw new IllegalArgumentException(
                            field + "[" + i + "]: got " + shown(v.get(i)) + ", want a non-empty string");
                }
                out.add(v.get(i).textValue());
            }
            return out;
        }

        private static String shown(JsonNode v) {
            String s = v.toString();
            return s.length() <= 80 ? s : s.substring(0, 77) + "...";
        }
    }
}
