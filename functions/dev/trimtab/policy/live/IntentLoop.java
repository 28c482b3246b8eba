package dev.trimtab.policy.live;

import dev.trimtab.kube.Leadership;
import dev.trimtab.kube.Rechecks;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The cycle the intent functions share ({@code RbacIntents}, {@code NetworkIntents}; decision 0014):
 * after each change of the watched objects or of the intents (coalesced by {@link Rechecks}), on
 * the replica that holds the {@link Leadership}, once the objects and the intents are all listed,
 * and only when the view or the intents differ from the last check, {@code check} runs on the
 * view; then the intents' reports are written. A check or a write that fails is tried again 5 s
 * later.
 *
 * @param <I> the intent type
 * @param <V> the view of the watched objects (a new instance after each change)
 */
public final class IntentLoop<I, V> {
    private static final Duration LISTING = Duration.ofMillis(200);
    private static final Duration AGAIN = Duration.ofSeconds(5);

    /** One check of {@code intents} over {@code view}; false when something was refused and it must run again. */
    public interface Check<I, V> {
        boolean run(V view, List<I> intents);
    }

    private final IntentSource<I> source;
    private final Leadership leadership;
    private final LiveReports reports;
    private final BooleanSupplier synced;
    private final Supplier<V> view;
    private final Check<I, V> check;
    private final Rechecks rechecks;
    private V checkedView;
    private List<I> checkedIntents;

    public IntentLoop(
            String name,
            Duration delay,
            IntentSource<I> source,
            Leadership leadership,
            LiveReports reports,
            BooleanSupplier synced,
            Supplier<V> view,
            Check<I, V> check) {
        this.source = source;
        this.leadership = leadership;
        this.reports = reports;
        this.synced = synced;
        this.view = view;
        this.check = check;
        this.rechecks = new Rechecks(name, delay, this::run);
    }

    /** A remediation setting ({@code enforce}, {@code dry-run} or {@code off}), checked. */
    public static String remediation(String key, String value) {
        if (!Set.of("enforce", "dry-run", "off").contains(value)) {
            throw new IllegalArgumentException(key + ": got \"" + value + "\", expected enforce, dry-run or off");
        }
        return value;
    }

    /**
     * Starts when the objects are {@code watched}: the intents' kind ({@code plural}) is watched in
     * the cluster when {@code watchCluster}, and {@code onChange} registers the objects' listener.
     * Nothing runs when there can be no intent (no file intent, cluster not watched).
     */
    public void start(
            boolean watched,
            Consumer<Runnable> onChange,
            KubernetesClient client,
            boolean watchCluster,
            String plural) {
        if (!watched) {
            return;
        }
        if (watchCluster && client != null) {
            source.watch(client, plural, rechecks::changed);
        }
        if (!source.possible()) {
            return;
        }
        onChange.accept(rechecks::changed);
        leadership.onElected(this::elected);
    }

    /** A new leader checks everything again, from what it last published. */
    private synchronized void elected() {
        checkedView = null;
        reports.rewriteAll();
        rechecks.changed();
    }

    public void stop() {
        rechecks.close();
        source.stop();
    }

    /** The intents in force now. */
    public List<I> intents() {
        return source.intents();
    }

    private synchronized void run() {
        if (!leadership.leader()) {
            return;
        }
        if (!synced.getAsBoolean() || !source.synced()) {
            rechecks.retry(LISTING);
            return;
        }
        V v = view.get();
        List<I> intents = source.intents();
        if (v != checkedView || !intents.equals(checkedIntents)) {
            checkedView = v;
            checkedIntents = intents;
            if (!check.run(v, intents)) {
                checkedView = null;
                rechecks.retry(AGAIN);
            }
        }
        if (!reports.write()) {
            rechecks.retry(AGAIN);
        }
    }
}
