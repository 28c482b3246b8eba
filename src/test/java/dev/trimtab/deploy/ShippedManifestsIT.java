package dev.trimtab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.kube.Manifests;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.SelfSignedCertificate;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped manifests start. Each container of k8s-manifests/ (Deployments and Knative
 * Services) is run as the production jar ({@code target/quarkus-app/quarkus-run.jar}, built by
 * {@code package}) with exactly its manifest's environment and arguments, against a real Kafka
 * broker (embedded, KRaft) and the fabric8 mock API server, and must pass its own readinessProbe
 * (path, port, scheme), then answer its startup and liveness probes. The only rewrites:
 * <ul>
 *   <li>the Kafka bootstrap address ({@code KAFKA_BOOTSTRAP_SERVERS});</li>
 *   <li>the API server ({@code KUBERNETES_MASTER} and trust of its certificate; no kubeconfig or
 *       service-account token is read, as in a pod without them);</li>
 *   <li>ports: the HTTP (and HTTPS) port of each process is a free port, so they run side by side
 *       and beside other builds; the probes follow the mapping;</li>
 *   <li>mounted volumes map to temporary directories: the ConfigMap trimtab-policies to a copy of
 *       policies/, the Secret trimtab-policy-serving to a self-signed certificate made here, an
 *       emptyDir to an empty directory ({@code /tmp}: the JVM's {@code java.io.tmpdir}); environment
 *       values under a mount path follow it.</li>
 * </ul>
 * The environment is otherwise empty: nothing of the test JVM's leaks in. The JVM gets two options
 * for start-up speed only ({@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}). Also: the policy
 * function with Kafka down (the bootstrap address a closed port) still starts, answers
 * {@code /admission/validate} with its policies and is ready on its admission group, while its
 * {@code /q/health/ready} (Kafka included) is not; the pull-mode autoscaler starts and stays live
 * (no restarts through an outage) but is not ready.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShippedManifestsIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Duration START = Duration.ofSeconds(120);

    /** One process started from a manifest's container. */
    record Run(String name, Process process, Path log, Map<Integer, Integer> ports, Map<String, Object> container) {}

    private final List<Run> runs = new ArrayList<>();
    private KubernetesMockServer api;
    private HttpClient http;
    private Path work;

    /** CRUD, and the API server's version (the autoscaler's readiness asks for it). */
    static final class ApiServer extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            if (request.getPath().equals("/version")) {
                return new MockResponse().setResponseCode(200).setBody("""
                        {"major":"1","minor":"33","gitVersion":"v1.33.0","platform":"linux/amd64"}""");
            }
            return super.dispatch(request);
        }
    }

    @BeforeAll
    void startEverything() throws Exception {
        assertThat(JAR).as("mvn package builds the application").exists();
        work = Files.createTempDirectory("shipped-manifests");
        SelfSignedCertificate cert =
                SelfSignedCertificate.create(work.resolve("tls"), "-1d", 30, "trimtab-policy.trimtab.svc");
        http = HttpClient.newBuilder()
                .sslContext(cert.trustingIt())
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        api = new KubernetesMockServer(
                new Context(), new MockWebServer(), new LinkedHashMap<>(), new ApiServer(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient client = api.createClient()) {
            for (String ns : List.of("trimtab", "shop")) {
                client.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(ns)
                                .addToLabels("kubernetes.io/metadata.name", ns)
                                .endMetadata()
                                .build())
                        .create();
            }
        }
        String bootstrap = EmbeddedKafka.bootstrapServers();
        List<OwnManifestsPolicyTest.Template> templates = OwnManifestsPolicyTest.templates(
                Manifests.read(Path.of("k8s-manifests")).objects());
        assertThat(templates).hasSizeGreaterThanOrEqualTo(4);
        for (OwnManifestsPolicyTest.Template t : templates) {
            runs.add(start(t, t.source().replaceAll("[^A-Za-z0-9-]+", "_"), bootstrap, cert));
        }
        OwnManifestsPolicyTest.Template policy = templates.stream()
                .filter(t -> t.source().equals("Deployment trimtab/trimtab-policy"))
                .findFirst()
                .orElseThrow();
        runs.add(start(policy, "kafka-down", "127.0.0.1:" + freePort(), cert));
        OwnManifestsPolicyTest.Template pull = templates.stream()
                .filter(t -> t.source().equals("Deployment trimtab/trimtab-autoscaler"))
                .findFirst()
                .orElseThrow();
        runs.add(start(pull, "kafka-down-autoscaler", "127.0.0.1:" + freePort(), cert));
    }

    @AfterAll
    void stopEverything() throws InterruptedException {
        for (Run r : runs) {
            r.process().destroy();
        }
        // shutdown is not under test here (with Kafka down, closing the Kafka clients waits for it)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Run r : runs) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!r.process().waitFor(left, TimeUnit.NANOSECONDS)) {
                r.process().destroyForcibly();
            }
        }
        if (api != null) {
            api.destroy();
        }
    }

    @Test
    void everyShippedContainerReachesItsReadinessProbeAndAnswersItsOtherProbes() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Run r : runs) {
            if (r.name().startsWith("kafka-down")) {
                continue;
            }
            String ready = awaitProbe(r, "readinessProbe");
            if (ready != null) {
                problems.add(ready);
                continue;
            }
            for (String probe : List.of("startupProbe", "livenessProbe")) {
                if (r.container().containsKey(probe)) {
                    HttpResponse<String> answer = get(url(r, probe));
                    if (answer == null || answer.statusCode() != 200) {
                        problems.add(r.name() + ": " + probe + " " + url(r, probe) + " answered "
                                + (answer == null ? "nothing" : answer.statusCode() + " " + answer.body()));
                    }
                }
            }
        }
        assertThat(problems)
                .as("manifests that do not start (logs in target/shipped-manifests-*.log)")
                .isEmpty();
    }

    @Test
    void withKafkaDownThePolicyFunctionStillAnswersAdmissionAndIsReadyForIt() throws Exception {
        Run r = runs.stream()
                .filter(x -> x.name().equals("kafka-down"))
                .findFirst()
                .orElseThrow();
        String ready = awaitProbe(r, "readinessProbe");
        assertThat(ready).as("admission readiness without Kafka").isNull();
        assertThat(url(r, "readinessProbe")).endsWith("/q/health/group/admission");

        String review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
                  "uid":"kafka-down-1","operation":"CREATE",
                  "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
                  "name":"web","namespace":"shop","userInfo":{"username":"alice"},
                  "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop"},
                            "spec":{"containers":[{"name":"web","image":"registry.example.com/shop/web:1.0"}]}}}}""";
        String base = url(r, "readinessProbe").replaceFirst("/q/health/group/admission$", "");
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(base + "/admission/validate"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(review))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode response = AdmissionReviews.JSON.readTree(answer.body()).path("response");
        assertThat(response.path("uid").asText()).isEqualTo("kafka-down-1");
        // the mounted policies are in force: a pod without requests or probes is refused
        assertThat(response.path("allowed").asBoolean()).as(answer.body()).isFalse();
        assertThat(response.path("status").path("message").asText())
                .contains("containers without cpu and memory requests");

        HttpResponse<String> live = get(url(r, "livenessProbe"));
        assertThat(live).isNotNull();
        assertThat(live.statusCode())
                .as("liveness without Kafka: %s", live.body())
                .isEqualTo(200);
        // the full readiness, Kafka included, is not UP: DOWN, or no answer at all for a while (Quarkus'
        // Kafka check waits for the broker up to the admin client's default.api.timeout.ms, 60 s)
        try {
            HttpResponse<String> all = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/q/health/ready"))
                            .timeout(Duration.ofSeconds(3))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(all.statusCode())
                    .as("/q/health/ready without Kafka: %s", all.body())
                    .isEqualTo(503);
        } catch (HttpTimeoutException slow) {
            // not ready either: a kubelet's probe would have timed out long before
        }
    }

    @Test
    void withKafkaDownThePullModeAutoscalerStartsAndStaysLiveButNotReady() throws Exception {
        Run r = runs.stream()
                .filter(x -> x.name().equals("kafka-down-autoscaler"))
                .findFirst()
                .orElseThrow();
        // live: the kubelet does not restart it through a Kafka outage (its consumers reconnect)
        String live = awaitProbe(r, "livenessProbe");
        assertThat(live).as("liveness without Kafka").isNull();
        Thread.sleep(3000);
        HttpResponse<String> again = get(url(r, "livenessProbe"));
        assertThat(again).isNotNull();
        assertThat(again.statusCode()).as("still live: %s", again.body()).isEqualTo(200);
        // not ready: it cannot do its work without its topics (DOWN, or too slow to answer a probe)
        try {
            HttpResponse<String> ready = http.send(
                    HttpRequest.newBuilder(URI.create(url(r, "readinessProbe")))
                            .timeout(Duration.ofSeconds(3))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode())
                    .as("readiness without Kafka: %s", ready.body())
                    .isEqualTo(503);
        } catch (HttpTimeoutException slow) {
            // not ready either
        }
    }

    /** Null once the probe answers 200 with status UP; else why not, with the log's tail. */
    private String awaitProbe(Run r, String probe) throws Exception {
        String url = url(r, probe);
        long deadline = System.nanoTime() + START.toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            if (!r.process().isAlive()) {
                return r.name() + ": exited with " + r.process().exitValue() + " before " + probe + " " + url
                        + " answered; log ends:\n" + tail(r.log());
            }
            last = get(url);
            if (last != null && last.statusCode() == 200 && last.body().contains("\"UP\"")) {
                return null;
            }
            Thread.sleep(500);
        }
        return r.name() + ": " + probe + " " + url + " not UP within " + START + ", last answer "
                + (last == null ? "none" : last.statusCode() + " " + last.body()) + "; log ends:\n" + tail(r.log());
    }

    private HttpResponse<String> get(String url) throws InterruptedException {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        }
    }

    /** The probe's URL on this process: its path, scheme and the port it was mapped to. */
    @SuppressWarnings("unchecked")
    private static String url(Run r, String probe) {
        Map<String, Object> p = (Map<String, Object>) r.container().get(probe);
        assertThat(p).as("%s has a %s", r.name(), probe).isNotNull();
        Map<String, Object> get = (Map<String, Object>) p.get("httpGet");
        assertThat(get).as("%s %s is an httpGet", r.name(), probe).isNotNull();
        int port = manifestPort(r.container(), get.get("port"));
        Integer mapped = r.ports().get(port);
        assertThat(mapped)
                .as("%s %s port %s is served (ports %s)", r.name(), probe, port, r.ports())
                .isNotNull();
        String scheme = String.valueOf(get.getOrDefault("scheme", "HTTP")).toLowerCase();
        return scheme + "://localhost:" + mapped + get.get("path");
    }

    /** A probe's port as the container numbers it: a number, a port name, or (Knative) the container's port. */
    @SuppressWarnings("unchecked")
    private static int manifestPort(Map<String, Object> container, Object port) {
        List<Map<String, Object>> ports = (List<Map<String, Object>>) container.getOrDefault("ports", List.of());
        if (port instanceof Number n) {
            return n.intValue();
        }
        if (port == null) {
            return ports.isEmpty() ? 8080 : ((Number) ports.get(0).get("containerPort")).intValue();
        }
        return ports.stream()
                .filter(p -> port.equals(p.get("name")))
                .map(p -> ((Number) p.get("containerPort")).intValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port));
    }

    /** Starts the container's process: its environment and arguments, with only the rewrites above. */
    @SuppressWarnings("unchecked")
    private Run start(OwnManifestsPolicyTest.Template t, String name, String bootstrap, SelfSignedCertificate cert)
            throws IOException {
        Map<String, Object> spec = (Map<String, Object>) t.pod().get("spec");
        List<Map<String, Object>> containers = (List<Map<String, Object>>) spec.get("containers");
        assertThat(containers).as("%s: one container", t.source()).hasSize(1);
        Map<String, Object> container = containers.get(0);
        assertThat(container)
                .as("%s: the image's entry point runs the jar", t.source())
                .doesNotContainKey("command");
        Map<String, Object> podMeta = (Map<String, Object>) t.pod().get("metadata");

        Map<String, Path> mounts = mounts(t.source(), name, spec, container, cert);
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) container.getOrDefault("env", List.of())) {
            String key = (String) e.get("name");
            if (e.containsKey("value")) {
                env.put(key, remount(String.valueOf(e.get("value")), mounts));
            } else {
                Map<String, Object> field =
                        (Map<String, Object>) ((Map<String, Object>) e.get("valueFrom")).get("fieldRef");
                assertThat(field)
                        .as("%s: env %s from a fieldRef (the only kind this test can give)", t.source(), key)
                        .isNotNull();
                String path = String.valueOf(field.get("fieldPath"));
                env.put(
                        key,
                        switch (path) {
                            case "metadata.namespace" -> String.valueOf(podMeta.get("namespace"));
                            case "metadata.name" -> String.valueOf(podMeta.get("name"));
                            default ->
                                throw new AssertionError(
                                        t.source() + ": env " + key + " from " + path + " is not supported here");
                        });
            }
        }
        // the rewrites: Kafka, the API server, ports
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("KUBERNETES_MASTER", api.url("/"));
        env.put("KUBERNETES_TRUST_CERTIFICATES", "true");
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("KUBERNETES_NAMESPACE", String.valueOf(podMeta.get("namespace")));
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        int http = freePort();
        ports.put(Integer.parseInt(env.getOrDefault("QUARKUS_HTTP_PORT", "8080")), http);
        env.put("QUARKUS_HTTP_PORT", Integer.toString(http));
        if (env.containsKey("QUARKUS_HTTP_SSL_PORT")) {
            int https = freePort();
            ports.put(Integer.parseInt(env.get("QUARKUS_HTTP_SSL_PORT")), https);
            env.put("QUARKUS_HTTP_SSL_PORT", Integer.toString(https));
        }

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // test speed only (five JVMs start at once on a small machine): the quick compiler and the
        // serial collector; the application's configuration is untouched
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        if (mounts.containsKey("/tmp")) {
            command.add("-Djava.io.tmpdir=" + mounts.get("/tmp"));
        }
        command.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        ((List<Object>) container.getOrDefault("args", List.of()))
                .forEach(a -> command.add(remount(String.valueOf(a), mounts)));
        Path log = Path.of("target", "shipped-manifests-" + name + ".log").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .directory(work.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return new Run(name, pb.start(), log, ports, container);
    }

    /** Each volume mount's stand-in directory, by mount path. */
    @SuppressWarnings("unchecked")
    private Map<String, Path> mounts(
            String source,
            String name,
            Map<String, Object> spec,
            Map<String, Object> container,
            SelfSignedCertificate cert)
            throws IOException {
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        for (Map<String, Object> v : (List<Map<String, Object>>) spec.getOrDefault("volumes", List.of())) {
            volumes.put((String) v.get("name"), v);
        }
        Map<String, Path> out = new LinkedHashMap<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) container.getOrDefault("volumeMounts", List.of())) {
            Map<String, Object> v = volumes.get(m.get("name"));
            assertThat(v).as("%s: volume %s", source, m.get("name")).isNotNull();
            Path dir = Files.createDirectories(work.resolve(name).resolve(String.valueOf(m.get("name"))));
            if (v.containsKey("configMap")
                    && "trimtab-policies".equals(((Map<String, Object>) v.get("configMap")).get("name"))) {
                copy(Path.of("policies"), dir);
            } else if (v.containsKey("secret")
                    && "trimtab-policy-serving".equals(((Map<String, Object>) v.get("secret")).get("secretName"))) {
                Files.copy(cert.certificate(), dir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(cert.key(), dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
            } else if (!v.containsKey("emptyDir")) {
                throw new AssertionError(source + ": volume " + v + " has no stand-in in this test");
            }
            out.put(String.valueOf(m.get("mountPath")), dir);
        }
        return out;
    }

    private static String remount(String value, Map<String, Path> mounts) {
        for (Map.Entry<String, Path> m : mounts.entrySet()) {
            if (value.equals(m.getKey()) || value.startsWith(m.getKey() + "/")) {
                return m.getValue() + value.substring(m.getKey().length());
            }
        }
        return value;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
