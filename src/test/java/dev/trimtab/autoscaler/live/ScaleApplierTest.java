package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.testing.RecordingEmitter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import java.lang.annotation.Annotation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The write loop: conflicts are re-read and re-decided, 429/5xx back off honouring Retry-After. */
class ScaleApplierTest {
    static final Instant NOW = Instant.now();

    /** A writer that answers from a script and counts the writes. */
    static final class ScriptedWriter extends ScaleWriter {
        final Deque<Outcome> answers = new ArrayDeque<>();
        final List<Integer> written = new ArrayList<>();
        ScaleTarget fresh;

        ScriptedWriter() {
            super(null);
        }

        @Override
        public Outcome write(ScaleDecision d) {
            written.add(d.desiredReplicas());
            return answers.isEmpty() ? new Outcome(Outcome.Kind.Written, 200, "9", 0, "ok") : answers.poll();
        }

        @Override
        public ScaleTarget read(ObjectRef t) {
            return fresh;
        }
    }

    static LiveSettings settings(boolean dryRun) {
        return new LiveSettings() {
            public ClusterStateSource clusterState() {
                return ClusterStateSource.events;
            }

            public boolean dryRun() {
                return dryRun;
            }

            public Optional<Set<String>> excludedNamespaces() {
                return Optional.of(Set.of("platform"));
            }

            public Optional<Set<String>> allowedSystemNamespaces() {
                return Optional.empty();
            }

            public String ownNamespace() {
                return "trimtab";
            }

            public Duration foreignWriteHold() {
                return Duration.ofMinutes(5);
            }

            public boolean deletionCost() {
                return false;
            }

            public boolean logHolds() {
                return true;
            }

            public Duration maxSampleAge() {
                return Duration.ofMinutes(2);
            }

            public Duration resync() {
                return Duration.ofSeconds(15);
            }

            public int conflictRetries() {
                return 2;
            }

            @Override
            public int writeConcurrency() {
                return 1;
            }

            public Duration deliveryTimeout() {
                return Duration.ofSeconds(5);
            }

            public State state() {
                return new State() {
                    public boolean enabled() {
                        return false;
                    }

                    public String topic() {
                        return "trimtab.autoscaler.state";
                    }

                    public Duration flushInterval() {
                        return Duration.ofSeconds(1);
                    }

                    public Duration restoreTimeout() {
                        return Duration.ofSeconds(30);
                    }

                    public Duration handoverTimeout() {
                        return Duration.ofSeconds(30);
                    }
                };
            }
        };
    }

    final List<String> logged = new ArrayList<>();
    final List<Long> waits = new ArrayList<>();
    ScriptedWriter writer;
    AutoscalerEngine engine;
    ScaleApplier applier;

    @BeforeEach
    void wire() {
        writer = new ScriptedWriter();
        engine = new AutoscalerEngine(settings(false));
        Emitter<byte[]> emitter = new RecordingEmitter(logged);
        StatusRecorder noStatus = new StatusRecorder(null, new SimpleMeterRegistry()) {
            @Override
            public synchronized void record(ScaleDecision d, String outcome) {}

            @Override
            public void foreignWrite(dev.trimtab.autoscaler.core.ReplicaWriters.ForeignWrite f, String message) {}
        };
        applier = applier(engine, emitter, noStatus, "target/no-policies");
        this.emitter = emitter;
        this.noStatus = noStatus;
    }

    Emitter<byte[]> emitter;
    StatusRecorder noStatus;
    DeletionCosts deletionCosts = new DeletionCosts(
            false,
            (ns, name, patch) -> {
                throw new AssertionError("no deletion costs unless enabled");
            },
            new SimpleMeterRegistry());

    SimpleMeterRegistry registry;
    /** What the guard's policies answer to {@code inForce()}: whether the cluster's policies are all listed. */
    boolean policiesInForce = true;
    /** What listing the namespace's HPAs and ScaledObjects answers before a first write. */
    List<com.fasterxml.jackson.databind.JsonNode> apiAutoscalers = List.of();

    ScaleApplier applier(AutoscalerEngine engine, Emitter<byte[]> emitter, StatusRecorder status, String policies) {
        registry = new SimpleMeterRegistry();
        ScaleApplier a = new ScaleApplier(
                engine,
                writer,
                new DecisionLog(emitter, settings(false), new SimpleMeterRegistry()),
                status,
                registry,
                settings(false),
                new NoEvents(),
                new ScaleGuard(
                        new dev.trimtab.policy.live.LivePolicies(policies, null, registry) {
                            @Override
                            public boolean inForce() {
                                return policiesInForce;
                            }
                        },
                        registry,
                        "system:serviceaccount:trimtab:trimtab-autoscaler"),
                deletionCosts,
                new ScaleClaimReader(null) {
                    @Override
                    public List<com.fasterxml.jackson.databind.JsonNode> claims(String namespace) {
                        return apiAutoscalers;
                    }
                });
        a.sleeper = waits::add;
        return a;
    }

    @Test
    void aDecisionAPolicyDeniesIsNotWrittenAndTheLogNamesThePolicy() {
        applier = applier(engine, emitter, noStatus, "src/test/resources/guardrail");
        AutoscalerEngine.Evaluation ev = workload("shop", 450).get(0);
        assertThat(ev.decision().desiredReplicas()).isEqualTo(4);
        applier.apply(ev, event("m", "{}"));
        assertThat(writer.written).as("nothing written").isEmpty();
        assertThat(logged.get(logged.size() - 1))
                .contains("\"outcome\":\"denied by policy: deployments.apps \\\"web\\\" "
                        + "is forbidden: ValidatingAdmissionPolicy 'ceiling-of-three' with binding 'ceiling-of-three-in-shop' "
                        + "denied request: at most 3 replicas, not 4\"");
    }

    @Test
    void whileThePoliciesAreNotInForceNothingIsWrittenAndTheNextEvaluationWritesOnceTheyAre() {
        policiesInForce = false; // and none loaded so far: exactly when a policy not yet read could deny the write
        AutoscalerEngine.Evaluation ev = workload("free", 450).get(0);
        assertThat(ev.decision().desiredReplicas()).isEqualTo(4);
        applier.apply(ev, event("m", "{}"));
        assertThat(writer.written).as("nothing written").isEmpty();
        assertThat(logged.get(logged.size() - 1)).contains("\"outcome\":\"held: policies not yet in force\"");
        assertThat(registry.counter("trimtab_autoscaler_guardrail_held_total").count())
                .isEqualTo(1.0);

        policiesInForce = true;
        applier.apply(engine.accept(cpuSamples("free", "m2", 450)).get(0), event("m", "{}"));
        assertThat(writer.written).containsExactly(4);
        assertThat(logged.get(logged.size() - 1)).contains("\"outcome\":\"written\"");
        assertThat(registry.counter("trimtab_autoscaler_guardrail_held_total").count())
                .isEqualTo(1.0);
    }

    @Test
    void aDryRunWhileThePoliciesAreNotInForceSaysItWouldBeHeld() {
        policiesInForce = false;
        ScaleApplier dry = new ScaleApplier(
                engine,
                writer,
                new DecisionLog(emitter, settings(true), new SimpleMeterRegistry()),
                noStatus,
                registry,
                settings(true),
                new NoEvents(),
                new ScaleGuard(
                        new dev.trimtab.policy.live.LivePolicies("src/test/resources/guardrail", null, registry) {
                            @Override
                            public boolean inForce() {
                                return false;
                            }
                        },
                        registry,
                        "system:serviceaccount:trimtab:trimtab-autoscaler"),
                deletionCosts,
                null);
        dry.apply(workload("shop", 450).get(0), event("m", "{}"));
        assertThat(writer.written).isEmpty();
        assertThat(logged.get(logged.size() - 1)).contains("\"outcome\":\"dry-run: held: policies not yet in force\"");
    }

    static CloudEvent event(String type, String data) {
        return CloudEventCodec.parse("{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"t\",\"type\":\"" + type
                + "\",\"time\":\"" + NOW + "\",\"data\":" + data + "}");
    }

    /** Deployment ns/web (2 replicas, 2 ready pods of 500m) with a 50% cpu policy; pods at {@code cpu}m. */
    List<AutoscalerEngine.Evaluation> workload(String ns, int cpu) {
        return workload(engine, ns, cpu);
    }

    /** As {@link #workload(String, int)}, on {@code engine}. */
    static List<AutoscalerEngine.Evaluation> workload(AutoscalerEngine engine, String ns, int cpu) {
        engine.accept(event(
                "dev.knative.apiserver.resource.add",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
                        + "\"metadata\":{\"name\":\"web\",\"namespace\":\"" + ns
                        + "\",\"resourceVersion\":\"1\"},\"spec\":{\"replicas\":2,"
                        + "\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}"));
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            engine.accept(event(
                    "dev.knative.apiserver.resource.add",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
                            + "{\"name\":\"web-" + i + "\",\"namespace\":\"" + ns
                            + "\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
                            + "[{\"name\":\"c\",\"resources\":{\"requests\":{\"cpu\":\"500m\"}}}]},\"status\":{\"phase\":\"Running\","
                            + "\"startTime\":\"" + NOW.minusSeconds(3600)
                            + "\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
                            + "\"lastTransitionTime\":\"" + NOW.minusSeconds(3590) + "\"}]}}"));
            items.append(i == 0 ? "" : ",")
                    .append("{\"metadata\":{\"name\":\"web-")
                    .append(i)
                    .append("\",\"namespace\":\"")
                    .append(ns)
                    .append("\"},\"timestamp\":\"")
                    .append(NOW)
                    .append("\",\"containers\":[{\"name\":\"c\",")
                    .append("\"usage\":{\"cpu\":\"")
                    .append(cpu)
                    .append("m\"}}]}");
        }
        engine.accept(
                event(
                        "dev.knative.apiserver.resource.add",
                        "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":"
                                + "\"ScalingPolicy\",\"metadata\":{\"name\":\"web\",\"namespace\":\"" + ns
                                + "\"},\"spec\":{\"scaleTargetRef\":"
                                + "{\"kind\":\"Deployment\",\"name\":\"web\"},\"maxReplicas\":10,\"metrics\":[{\"type\":\"Resource\","
                                + "\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":50}}}]}}"));
        return engine.accept(event(
                "m",
                "{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetricsList\",\"items\":[" + items + "]}"));
    }

    static CloudEvent cpuSamples(String ns, String id, int cpu) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            items.append(i == 0 ? "" : ",")
                    .append("{\"metadata\":{\"name\":\"web-")
                    .append(i)
                    .append("\",\"namespace\":\"")
                    .append(ns)
                    .append("\"},\"timestamp\":\"")
                    .append(NOW)
                    .append("\",\"containers\":[{\"name\":\"c\",")
                    .append("\"usage\":{\"cpu\":\"")
                    .append(cpu)
                    .append("m\"}}]}");
        }
        return CloudEventCodec.parse("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"t\",\"type\":\"m\","
                + "\"time\":\"" + NOW
                + "\",\"data\":{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetricsList\","
                + "\"items\":[" + items + "]}}");
    }

    @Test
    void aBatchIsDecidedOncePerWorkloadOnItsLatestSamplesAndABadEventIsSetAside() {
        workload("shop", 250);
        List<Integer> rejected = new ArrayList<>();
        List<AutoscalerEngine.Triggered> due = engine.acceptAll(
                List.of(
                        cpuSamples("shop", "first", 450),
                        event("dev.knative.apiserver.resource.add", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}"),
                        cpuSamples("shop", "second", 900),
                        cpuSamples("shop", "third", 100)),
                (i, e) -> rejected.add(i));
        assertThat(rejected).containsExactly(1);
        assertThat(due).singleElement().satisfies(t -> {
            assertThat(t.trigger().id())
                    .as("latency counts from the earliest event")
                    .isEqualTo("first");
            // decided on the last samples (100m of 500m: 1 replica, held at 2 by the downscale window),
            // not on the first (450m: 4) nor the second (900m: 8, limited to 4)
            assertThat(t.evaluation().decision().desiredReplicas()).isEqualTo(2);
            assertThat(t.evaluation().decision().metrics().get(0).proposedReplicas())
                    .isEqualTo(1);
        });
    }

    @Test
    void onlyOwnedWorkloadsAreDecidedAndAHandoverTakesTheirHistory() {
        engine.awaitAssignment();
        assertThat(workload("shop", 450)).as("no partition assigned yet").isEmpty();
        int p = AutoscalerEngine.partitionOf("shop/web", 12);
        engine.assign(12, List.of((p + 1) % 12), List.of());
        assertThat(engine.accept(cpuSamples("shop", "a", 450)))
                .as("another partition")
                .isEmpty();
        engine.assign(12, List.of(p), List.of());
        assertThat(engine.accept(cpuSamples("shop", "b", 450))).hasSize(1);
        assertThat(engine.drainChanged())
                .singleElement()
                .satisfies(e -> assertThat(e.workload()).isEqualTo("shop/web"));
        List<dev.trimtab.autoscaler.events.HistoryRecords.Entry> handedOver = engine.release(List.of(p));
        assertThat(handedOver)
                .singleElement()
                .satisfies(e -> assertThat(e.snapshot().recommendations()).isNotEmpty());
        assertThat(engine.accept(cpuSamples("shop", "c", 450))).as("released").isEmpty();
        assertThat(engine.drainChanged()).isEmpty();
        engine.assign(12, List.of(p), handedOver);
        assertThat(engine.accept(cpuSamples("shop", "d", 450))).hasSize(1);
    }

    @Test
    void retryAfterIsHonouredAndServerErrorsBackOffExponentially() {
        AutoscalerEngine.Evaluation ev = workload("shop", 450).get(0);
        writer.answers.add(new ScaleWriter.Outcome(ScaleWriter.Outcome.Kind.Retry, 429, null, 2_000, "slow down"));
        writer.answers.add(new ScaleWriter.Outcome(ScaleWriter.Outcome.Kind.Retry, 503, null, 0, "unavailable"));
        applier.apply(ev, event("m", "{}"));
        assertThat(waits).containsExactly(2_000L, 400L);
        assertThat(writer.written).containsExactly(4, 4, 4);
        assertThat(logged.get(logged.size() - 1)).contains("\"outcome\":\"written\"");
    }

    @Test
    void transientErrorsGiveUpAfterThreeRetries() {
        AutoscalerEngine.Evaluation ev = workload("shop", 450).get(0);
        for (int i = 0; i < 4; i++) {
            writer.answers.add(new ScaleWriter.Outcome(ScaleWriter.Outcome.Kind.Retry, 500, null, 0, "boom"));
        }
        applier.apply(ev, event("m", "{}"));
        assertThat(writer.written).hasSize(4);
        assertThat(waits).containsExactly(200L, 400L, 800L);
        assertThat(logged.get(logged.size() - 1)).contains("\"outcome\":\"failed: HTTP 500 after 4 attempts\"");
    }

    @Test
    void aConflictIsReReadAndDecidedAgainAtMostConflictRetriesTimes() {
        AutoscalerEngine.Evaluation ev = workload("shop", 450).get(0);
        assertThat(ev.decision().desiredReplicas()).isEqualTo(4);
        writer.answers.add(new ScaleWriter.Outcome(ScaleWriter.Outcome.Kind.Conflict, 409, "2", 0, "changed"));
        // the object changed (its status), not its spec.replicas
        writer.fresh = new ScaleTarget(
                new ObjectRef("apps/v1", "Deployment", "shop", "web"),
                2,
                3,
                new LabelSelector(Map.of("app", "web"), List.of()),
                "2");
        applier.apply(ev, event("m", "{}"));
        assertThat(writer.written).containsExactly(4, 4);
        assertThat(logged.get(logged.size() - 1)).contains("\"currentReplicas\":2", "\"outcome\":\"written\"");
        assertThat(engine.target(new ObjectRef("apps/v1", "Deployment", "shop", "web"))
                        .specReplicas())
                .isEqualTo(4);
    }

    @Test
    void anHpaWhoseEventHasNotArrivedIsFoundBeforeTheFirstWriteAndNothingIsWritten() throws Exception {
        apiAutoscalers = List.of(CloudEventCodec.JSON.readTree("{\"apiVersion\":\"autoscaling/v2\",\"kind\":"
                + "\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\"early\",\"namespace\":\"shop\"},\"spec\":"
                + "{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},"
                + "\"maxReplicas\":3}}"));
        AutoscalerEngine.Evaluation ev = workload("shop", 450).get(0);
        assertThat(ev.decision().desiredReplicas())
                .as("decided before the HPA was known")
                .isEqualTo(4);
        applier.apply(ev, event("m", "{}"));
        assertThat(writer.written).isEmpty();
        assertThat(logged.get(logged.size() - 1))
                .contains(
                        "\"reason\":\"TargetAlreadyScaled\"",
                        "\"outcome\":\"hold after reading the namespace's autoscalers\"",
                        "HorizontalPodAutoscaler shop/early");
    }

    @Test
    void whenTheNamespacesAutoscalersCannotBeListedTheWriteIsHeldUntilTheyCanBe() {
        apiAutoscalers = null;
        AutoscalerEngine.Evaluation ev = workload("shop", 450).get(0);
        applier.apply(ev, event("m", "{}"));
        assertThat(writer.written).isEmpty();
        assertThat(logged.get(logged.size() - 1))
                .contains("\"outcome\":\"held: the autoscalers of namespace shop could not be listed");
        apiAutoscalers = List.of();
        applier.apply(ev, event("m2", "{}"));
        assertThat(writer.written).containsExactly(4);
    }

    @Test
    void aConflictBecauseSomeoneElseScaledIsReportedAndHeldNotWrittenOver() {
        AutoscalerEngine.Evaluation ev = workload("shop", 450).get(0);
        writer.answers.add(new ScaleWriter.Outcome(ScaleWriter.Outcome.Kind.Conflict, 409, "2", 0, "changed"));
        writer.fresh = new ScaleTarget(
                new ObjectRef("apps/v1", "Deployment", "shop", "web"),
                3,
                3,
                new LabelSelector(Map.of("app", "web"), List.of()),
                "2");
        applier.apply(ev, event("m", "{}"));
        assertThat(writer.written).containsExactly(4);
        assertThat(logged.get(logged.size() - 1))
                .contains("\"reason\":\"ReplicasChangedByOther\"", "\"outcome\":\"hold after re-read\"");
        assertThat(registry.counter("trimtab_autoscaler_foreign_writes_total", "kind", "Deployment")
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void aConflictThatKeepsHappeningIsGivenUp() {
        AutoscalerEngine.Evaluation ev = workload("shop", 450).get(0);
        writer.fresh = new ScaleTarget(
                new ObjectRef("apps/v1", "Deployment", "shop", "web"),
                2,
                2,
                new LabelSelector(Map.of("app", "web"), List.of()),
                "5");
        for (int i = 0; i < 5; i++) {
            writer.answers.add(new ScaleWriter.Outcome(ScaleWriter.Outcome.Kind.Conflict, 409, "5", 0, "changed"));
        }
        applier.apply(ev, event("m", "{}"));
        assertThat(writer.written).hasSize(3);
        assertThat(logged.get(logged.size() - 1)).contains("conflict: gave up after 3 attempts");
    }

    @Test
    void aHoldWritesNothingAndExcludedNamespacesAreRefusedWithoutAWrite() {
        List<AutoscalerEngine.Evaluation> hold = workload("shop", 250);
        assertThat(hold.get(0).decision().rescale()).isFalse();
        applier.apply(hold.get(0), event("m", "{}"));
        assertThat(writer.written).isEmpty();
        assertThat(logged.get(logged.size() - 1)).contains("\"outcome\":\"hold\"");
        for (String ns : List.of("platform", "kube-system", "kube-public", "kube-node-lease", "trimtab")) {
            List<AutoscalerEngine.Evaluation> refused = workload(ns, 450);
            assertThat(refused).as(ns).hasSize(1);
            ScaleDecision d = refused.get(0).decision();
            assertThat(d.reason()).as(ns).isEqualTo(dev.trimtab.autoscaler.core.Reason.NamespaceExcluded);
            assertThat(d.rescale()).as(ns).isFalse();
            assertThat(d.message()).startsWith("namespace " + ns + " is excluded from autoscaling");
            applier.apply(refused.get(0), event("m", "{}"));
        }
        assertThat(writer.written).isEmpty();
    }

    @Test
    void aSystemNamespaceIsScaledOnlyWhenExplicitlyAllowed() {
        LiveSettings base = settings(false);
        LiveSettings allowing = (LiveSettings) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {LiveSettings.class},
                (proxy, method, args) -> method.getName().equals("allowedSystemNamespaces")
                        ? Optional.of(Set.of("kube-system"))
                        : method.invoke(base, args));
        assertThat(AutoscalerEngine.excludedNamespaces(allowing))
                .containsExactlyInAnyOrder("kube-public", "kube-node-lease", "trimtab", "platform");
        engine = new AutoscalerEngine(allowing);
        assertThat(workload("kube-system", 450).get(0).decision().desiredReplicas())
                .isEqualTo(4);
    }

    /** Fired events go nowhere. */
    static final class NoEvents implements Event<ScaleWritten> {
        public void fire(ScaleWritten event) {}

        public <U extends ScaleWritten> CompletionStage<U> fireAsync(U event) {
            return CompletableFuture.completedFuture(event);
        }

        public <U extends ScaleWritten> CompletionStage<U> fireAsync(U event, NotificationOptions options) {
            return CompletableFuture.completedFuture(event);
        }

        public Event<ScaleWritten> select(Annotation... qualifiers) {
            return this;
        }

        @SuppressWarnings("unchecked")
        public <U extends ScaleWritten> Event<U> select(Class<U> subtype, Annotation... qualifiers) {
            return (Event<U>) this;
        }

        @SuppressWarnings("unchecked")
        public <U extends ScaleWritten> Event<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            return (Event<U>) this;
        }
    }

    /**
     * An applier over {@code writer} whose decisions go to {@code logged}, with no policies, no
     * status, no deletion costs, no other autoscalers in any namespace, and no waits between retries.
     */
    static ScaleApplier plainApplier(
            AutoscalerEngine engine,
            ScaleWriter writer,
            List<String> logged,
            io.micrometer.core.instrument.MeterRegistry registry) {
        StatusRecorder noStatus = new StatusRecorder(null, registry) {
            @Override
            public synchronized void record(ScaleDecision d, String outcome) {}

            @Override
            public void foreignWrite(dev.trimtab.autoscaler.core.ReplicaWriters.ForeignWrite f, String message) {}
        };
        ScaleApplier applier = new ScaleApplier(
                engine,
                writer,
                new DecisionLog(new RecordingEmitter(logged), settings(false), registry),
                noStatus,
                registry,
                settings(false),
                new NoEvents(),
                new ScaleGuard(
                        new dev.trimtab.policy.live.LivePolicies("target/no-policies", null, registry),
                        registry,
                        "system:serviceaccount:trimtab:trimtab-autoscaler"),
                new DeletionCosts(false, (ns, name, patch) -> {}, registry),
                new ScaleClaimReader(null) {
                    @Override
                    public List<com.fasterxml.jackson.databind.JsonNode> claims(String namespace) {
                        return List.of();
                    }
                });
        applier.sleeper = millis -> {};
        return applier;
    }
}
