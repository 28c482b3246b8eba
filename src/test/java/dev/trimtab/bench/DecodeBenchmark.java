package dev.trimtab.bench;

import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.events.EventFolder;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * End-to-end cost of one metrics event without evaluation: one structured-mode CloudEvent JSON
 * line holding a PodMetricsList of the 4 pods of the next workload (round robin), parsed with
 * {@link CloudEventCodec#parse} and folded with {@link EventFolder#fold}, which also works out
 * the due policies (returned, not evaluated). The lines are built once in setup.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
public class DecodeBenchmark {

    @Param({"1", "10000"})
    int workloads;

    Fleet fleet;
    EventFolder folder;
    String[] lines;
    int workload;

    @Setup(Level.Trial)
    public void setUp() {
        fleet = new Fleet(workloads);
        folder = new EventFolder(fleet.state);
        lines = new String[workloads];
        for (int i = 0; i < workloads; i++) {
            lines[i] = podMetricsList(i, Fleet.T0 + 15_000);
        }
        // sanity: the event is valid and makes exactly this workload's policy due
        CloudEvent last = CloudEventCodec.parse(lines[workloads - 1]);
        List<ScalingPolicy> due = folder.fold(last, last.time().toEpochMilli());
        if (due.size() != 1 || due.get(0) != fleet.policies[workloads - 1]) {
            throw new IllegalStateException("unexpected due policies " + due);
        }
    }

    /** A line as metrics-server output is published: labels copied, cpu and memory per container. */
    String podMetricsList(int i, long timeMillis) {
        String time = Instant.ofEpochMilli(timeMillis).toString();
        String sampled = Instant.ofEpochMilli(timeMillis - 1_000).toString();
        StringBuilder sb = new StringBuilder(1_500);
        sb.append("{\"specversion\":\"1.0\",\"id\":\"pm-")
                .append(i)
                .append("\",\"source\":\"/metrics-server\",")
                .append("\"type\":\"dev.trimtab.metrics\",\"time\":\"")
                .append(time)
                .append("\",\"datacontenttype\":\"application/json\",\"partitionkey\":\"")
                .append(Fleet.NAMESPACE)
                .append("/w")
                .append(i)
                .append("\",")
                .append("\"data\":{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetricsList\",\"items\":[");
        for (int j = 0; j < Fleet.PODS_PER_WORKLOAD; j++) {
            if (j > 0) {
                sb.append(',');
            }
            sb.append("{\"metadata\":{\"name\":\"")
                    .append(fleet.podNames[i][j])
                    .append("\",\"namespace\":\"")
                    .append(Fleet.NAMESPACE)
                    .append("\",\"labels\":{\"app\":\"w")
                    .append(i)
                    .append("\"}},")
                    .append("\"timestamp\":\"")
                    .append(sampled)
                    .append("\",\"window\":\"15s\",")
                    .append("\"containers\":[{\"name\":\"app\",\"usage\":{\"cpu\":\"")
                    .append(240 + 5 * j)
                    .append("m\",\"memory\":\"200Mi\"}}]}");
        }
        return sb.append("]}}").toString();
    }

    @Benchmark
    public List<ScalingPolicy> parseAndFold() {
        int i = workload;
        if (++workload == fleet.n) {
            workload = 0;
        }
        CloudEvent event = CloudEventCodec.parse(lines[i]);
        return folder.fold(event, event.time().toEpochMilli());
    }
}
