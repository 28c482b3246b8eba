package dev.trimtab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code -o json|yaml|table}, kubectl's output flag: JSON as one object per line (so a batch of answers
 * streams and each line parses alone), YAML as documents separated by {@code ---}, a table as
 * kubectl prints one (headers, then columns padded to their widest cell and three spaces apart).
 */
public enum Output {
    JSON,
    YAML,
    TABLE;

    private static final ObjectMapper JSON_WRITER = new ObjectMapper();
    private static final ObjectMapper YAML_WRITER = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    /** The flag's values as typed, for help and completion. */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("json", "yaml", "table").iterator();
        }
    }

    /** Prints one answer as JSON (one line) or YAML (one document); a table needs {@link #table}. */
    public void print(Map<String, Object> answer, PrintStream out, boolean first) {
        try {
            switch (this) {
                case JSON -> out.println(JSON_WRITER.writeValueAsString(answer));
                case YAML -> {
                    if (!first) {
                        out.println("---");
                    }
                    out.print(YAML_WRITER.writeValueAsString(answer));
                }
                default -> throw new IllegalStateException("a table is printed with Output.table");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings, numbers, booleans and lists always serialize", e);
        }
    }

    /** Prints every answer in JSON or YAML; {@code table} formats them as rows otherwise. */
    public void print(List<Map<String, Object>> answers, PrintStream out, Table table) {
        if (this == TABLE) {
            table.print(out);
            return;
        }
        for (int i = 0; i < answers.size(); i++) {
            print(answers.get(i), out, i == 0);
        }
    }

    /** A table with kubectl's layout: rows of cells, padded to the widest cell of each column. */
    public static final class Table {
        private final List<String> headers;
        private final List<List<String>> rows = new ArrayList<>();
        private boolean withHeaders = true;

        public Table(String... headers) {
            this.headers = List.of(headers);
        }

        public Table withoutHeaders(boolean noHeaders) {
            this.withHeaders = !noHeaders;
            return this;
        }

        public Table row(String... cells) {
            if (cells.length != headers.size()) {
                throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns");
            }
            List<String> row = new ArrayList<>(cells.length);
            for (String c : cells) {
                row.add(c == null ? "" : c);
            }
            rows.add(row);
            return this;
        }

        public <T> Table rows(List<T> items, Function<T, String[]> cells) {
            items.forEach(i -> row(cells.apply(i)));
            return this;
        }

        public boolean isEmpty() {
            return rows.isEmpty();
        }

        public void print(PrintStream out) {
            List<List<String>> all = new ArrayList<>();
            if (withHeaders) {
                all.add(headers);
            }
            all.addAll(rows);
            int[] width = new int[headers.size()];
            for (List<String> r : all) {
                for (int c = 0; c < r.size(); c++) {
                    width[c] = Math.max(width[c], r.get(c).length());
                }
            }
            for (List<String> r : all) {
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < r.size(); c++) {
                    line.append(r.get(c));
                    if (c < r.size() - 1) {
                        line.append(" ".repeat(width[c] - r.get(c).length() + 3));
                    }
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }
}
