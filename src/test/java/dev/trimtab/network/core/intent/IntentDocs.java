package dev.trimtab.network.core.intent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The NetworkIntent examples of {@code docs/network-intents.md}, so tests keep the documentation true. */
final class IntentDocs {
    static final Path DOC = Path.of("docs/network-intents.md");
    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

    private IntentDocs() {}

    /** Every object of kind NetworkIntent in the document's yaml blocks, in order. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> examples() {
        List<Map<String, Object>> out = new ArrayList<>();
        try {
            Matcher m = YAML_BLOCK.matcher(Files.readString(DOC));
            while (m.find()) {
                try (MappingIterator<JsonNode> docs =
                        IntentData.YAML.readerFor(JsonNode.class).readValues(m.group(1))) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        if (doc != null
                                && "NetworkIntent".equals(doc.path("kind").asText())) {
                            out.add(IntentData.YAML.convertValue(doc, Map.class));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
