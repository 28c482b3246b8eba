package dev.trimtab.network.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One upstream e2e case file under {@code src/test/resources/network/e2e} and the cluster it
 * describes, built the way the upstream model builds it: namespaces x, y, z labelled
 * {@code ns=<name>} (the {@code kubernetes.io/metadata.name} label is left for the model to add),
 * the listed pods labelled {@code pod=<name>} with one container per port and protocol
 * ({@code cont-80-tcp}) serving a port named {@code serve-80-tcp}, pod IPs as given or
 * {@code 10.244.<ns index>.<pod index>}.
 */
record E2eCase(String file, Map<String, Object> doc) {
    static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.USE_LONG_FOR_INTS);
    private static final List<String> NAMESPACES = List.of("x", "y", "z");

    @SuppressWarnings("unchecked")
    static Stream<E2eCase> all() {
        try {
            Path dir = Path.of(E2eCase.class.getResource("/network/e2e").toURI());
            List<E2eCase> out = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml"))
                        .sorted()
                        .toList()) {
                    try (InputStream in = Files.newInputStream(f)) {
                        out.add(new E2eCase(
                                f.getFileName().toString().replace(".yaml", ""), YAML.readValue(in, Map.class)));
                    }
                }
            }
            return out.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    List<String> pods() {
        return (List<String>) doc.get("pods");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> steps() {
        return (List<Map<String, Object>>) doc.get("steps");
    }

    /** The objects of one step: namespaces, pods (with the step's label changes) and its policies. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> objects(Map<String, Object> step) {
        Map<String, Map<String, String>> nsLabels =
                (Map<String, Map<String, String>>) step.getOrDefault("namespaceLabels", Map.of());
        Map<String, Map<String, String>> podLabels =
                (Map<String, Map<String, String>>) step.getOrDefault("podLabels", Map.of());
        Map<String, String> ips = (Map<String, String>) doc.getOrDefault("podIPs", Map.of());
        List<Map<String, Object>> objects = new ArrayList<>();
        for (String ns : NAMESPACES) {
            Map<String, String> labels = new LinkedHashMap<>(Map.of("ns", ns));
            labels.putAll(nsLabels.getOrDefault(ns, Map.of()));
            objects.add(
                    Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", ns, "labels", labels)));
        }
        for (String key : pods()) {
            String ns = key.split("/")[0];
            String name = key.split("/")[1];
            Map<String, String> labels = new LinkedHashMap<>(Map.of("pod", name));
            labels.putAll(podLabels.getOrDefault(key, Map.of()));
            String ip =
                    ips.getOrDefault(key, "10.244." + (NAMESPACES.indexOf(ns) + 1) + "." + (name.charAt(0) - 'a' + 1));
            objects.add(Map.of(
                    "apiVersion",
                    "v1",
                    "kind",
                    "Pod",
                    "metadata",
                    Map.of("name", name, "namespace", ns, "labels", labels),
                    "spec",
                    Map.of("containers", containers()),
                    "status",
                    Map.of("podIP", ip)));
        }
        objects.addAll((List<Map<String, Object>>) step.get("policies"));
        return objects;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> containers() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object port : (List<Object>) doc.get("ports")) {
            for (Object protocol : (List<Object>) doc.get("protocols")) {
                String suffix = port + "-" + protocol.toString().toLowerCase();
                out.add(Map.of(
                        "name",
                        "cont-" + suffix,
                        "ports",
                        List.of(Map.of("containerPort", port, "name", "serve-" + suffix, "protocol", protocol))));
            }
        }
        return out;
    }

    /** A truth table in the case files' form: a header of destinations, then one row per source. */
    static String table(List<String> pods, Map<String, Boolean> cells) {
        int w = pods.stream().mapToInt(String::length).max().orElse(1);
        StringBuilder sb = new StringBuilder(pad("-", w));
        pods.forEach(p -> sb.append(' ').append(pad(p, w)));
        for (String from : pods) {
            sb.append('\n').append(pad(from, w));
            pods.forEach(to -> sb.append(' ').append(pad(cells.get(from + " " + to) ? "." : "X", w)));
        }
        return sb.toString()
                        .lines()
                        .map(String::stripTrailing)
                        .reduce((a, b) -> a + "\n" + b)
                        .orElse("") + "\n";
    }

    @Override
    public String toString() {
        return file;
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }
}
