package dev.trimtab.placement.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Loads case files under src/test/resources/placement/upstream: one Arguments(name, file, case) per case. */
final class CaseFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private CaseFiles() {}

    @SuppressWarnings("unchecked")
    static Stream<Arguments> load(String... files) {
        List<Arguments> out = new ArrayList<>();
        for (String file : files) {
            try (InputStream in = CaseFiles.class.getResourceAsStream("/placement/upstream/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("missing case file " + file);
                }
                Map<String, Object> doc = YAML.readValue(in, Map.class);
                for (Object c : (List<Object>) doc.get("cases")) {
                    Map<String, Object> m = (Map<String, Object>) c;
                    out.add(Arguments.of(file.replace(".yaml", "") + ": " + m.get("name"), doc, m));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out.stream();
    }
}
