package dev.trimtab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A kind is complete once every object of its first list was handled, in whatever order list and folds come. */
class ListedFoldsTest {

    @Test
    void notCompleteBeforeTheListNorUntilEveryListedObjectIsFolded() {
        ListedFolds f = new ListedFolds();
        f.folded("a");
        assertThat(f.complete()).as("no list yet").isFalse();
        f.listed(List.of("a", "b", "c"));
        assertThat(f.listed()).isTrue();
        assertThat(f.complete()).isFalse();
        assertThat(f.pending()).as("a was folded before the list").isEqualTo(2);
        f.folded("x"); // not listed (created after the list): changes nothing
        f.folded("b");
        assertThat(f.pending()).isEqualTo(1);
        assertThat(f.complete()).isFalse();
        f.folded("c");
        assertThat(f.complete()).isTrue();
        assertThat(f.pending()).isZero();
    }

    @Test
    void everyObjectFoldedBeforeTheListCompletesItOnTheList() {
        ListedFolds f = new ListedFolds();
        f.folded("a");
        f.folded("b");
        assertThat(f.remembered()).isEqualTo(2);
        f.listed(List.of("b", "a"));
        assertThat(f.complete()).isTrue();
        assertThat(f.remembered()).as("dropped once the list came").isZero();
    }

    @Test
    void anEmptyListIsCompleteAtOnce() {
        ListedFolds f = new ListedFolds();
        assertThat(f.listed()).isFalse();
        f.listed(List.of());
        assertThat(f.complete()).isTrue();
    }

    @Test
    void onlyTheFirstListCountsAndNothingIsRememberedOnceComplete() {
        ListedFolds f = new ListedFolds();
        f.listed(List.of("a"));
        f.listed(List.of("a", "b"));
        assertThat(f.pending()).isEqualTo(1);
        f.folded("a");
        assertThat(f.complete()).isTrue();
        f.listed(List.of("c"));
        for (int i = 0; i < 1000; i++) {
            f.folded("later-" + i);
        }
        assertThat(f.complete()).isTrue();
        assertThat(f.remembered()).isZero();
        assertThat(f.pending()).isZero();
    }

    @Test
    void theActionWhenCompleteRunsOnceOnTheCompletingCallOrAtOnceWhenAlreadyComplete() {
        ListedFolds f = new ListedFolds();
        int[] runs = {0};
        f.whenComplete(() -> runs[0]++);
        f.folded("a");
        f.listed(List.of("a", "b"));
        assertThat(runs[0]).isZero();
        f.folded("b");
        assertThat(runs[0]).isEqualTo(1);
        f.folded("b");
        f.listed(List.of());
        assertThat(runs[0]).as("once").isEqualTo(1);
        f.whenComplete(() -> runs[0] += 10);
        assertThat(runs[0]).as("at once when already complete").isEqualTo(11);
    }

    @Test
    void aHandlerThatThrowsStillCountsTheObjectAsHandled() {
        ListedFolds f = new ListedFolds();
        f.listed(List.of("u1", "u2", "u3"));
        ResourceEventHandler<GenericKubernetesResource> failing = new ResourceEventHandler<>() {
            public void onAdd(GenericKubernetesResource obj) {
                throw new IllegalStateException("malformed");
            }

            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                throw new IllegalStateException("malformed");
            }

            public void onDelete(GenericKubernetesResource obj, boolean unknown) {
                throw new IllegalStateException("malformed");
            }
        };
        ResourceEventHandler<GenericKubernetesResource> counted = Watches.counted(failing, f);
        assertThatThrownBy(() -> counted.onAdd(object("u1"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> counted.onUpdate(object("u2"), object("u2")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(f.complete()).isFalse();
        assertThatThrownBy(() -> counted.onDelete(object("u3"), false)).isInstanceOf(IllegalStateException.class);
        assertThat(f.complete()).isTrue();
    }

    @Test
    void anObjectWithoutUidIsKeyedByNamespaceAndName() {
        GenericKubernetesResource o = new GenericKubernetesResource();
        o.setMetadata(
                new ObjectMetaBuilder().withNamespace("ns").withName("web").build());
        assertThat(Watches.key(o)).isEqualTo("ns/web");
        assertThat(Watches.key(object("u"))).isEqualTo("u");
    }

    /**
     * Simulated order: the list handed over at a random point among the folds (listed objects in
     * random order, some twice, objects created after the list mixed in); after each step complete
     * is true exactly when the list came and each listed object was folded.
     */
    @Test
    void completeExactlyWhenTheListCameAndEachListedObjectWasFoldedInAnyOrder() {
        long base = new Random().nextLong();
        for (int run = 0; run < 500; run++) {
            long seed = base + run;
            Random r = new Random(seed);
            List<String> listed = uids("l", r.nextInt(20));
            List<String> folds = new ArrayList<>(listed);
            folds.addAll(uids("new", r.nextInt(5)));
            for (int i = r.nextInt(4); i > 0 && !listed.isEmpty(); i--) {
                folds.add(listed.get(r.nextInt(listed.size())));
            }
            Collections.shuffle(folds, r);
            int listAt = r.nextInt(folds.size() + 1);
            ListedFolds f = new ListedFolds();
            Set<String> handled = new HashSet<>();
            boolean listCame = false;
            for (int step = 0; step <= folds.size(); step++) {
                if (step == listAt) {
                    f.listed(listed);
                    listCame = true;
                }
                if (step < folds.size()) {
                    f.folded(folds.get(step));
                    handled.add(folds.get(step));
                }
                boolean want = listCame && handled.containsAll(listed);
                assertThat(f.complete())
                        .as("seed %d, step %d, list at %d, listed %s, folds %s", seed, step, listAt, listed, folds)
                        .isEqualTo(want);
            }
        }
    }

    /**
     * Two threads, as in the informer (its processor thread folds, the scheduler hands the list
     * over) and a third reading: whenever complete is seen, every listed object was handled, and
     * at the end it is complete.
     */
    @Test
    void neverCompleteBeforeEveryListedObjectWasHandledAcrossThreads() throws Exception {
        long base = new Random().nextLong();
        for (int run = 0; run < 100; run++) {
            long seed = base + run;
            Random r = new Random(seed);
            List<String> listed = uids("l", 1 + r.nextInt(200));
            List<String> folds = new ArrayList<>(listed);
            folds.addAll(uids("new", r.nextInt(20)));
            Collections.shuffle(folds, r);
            int pauseListAfter = r.nextInt(folds.size() + 1);
            ListedFolds f = new ListedFolds();
            Set<String> handled = ConcurrentHashMap.newKeySet();
            AtomicReference<String> wrong = new AtomicReference<>();
            CountDownLatch go = new CountDownLatch(1);
            Thread folder = new Thread(() -> {
                await(go);
                for (String u : folds) {
                    handled.add(u); // processed, then counted
                    f.folded(u);
                }
            });
            Thread lister = new Thread(() -> {
                await(go);
                for (int i = 0; i < pauseListAfter; i++) {
                    Thread.onSpinWait();
                }
                f.listed(listed);
            });
            Thread reader = new Thread(() -> {
                await(go);
                while (!f.complete()) {
                    Thread.onSpinWait();
                }
                if (!handled.containsAll(listed)) {
                    Set<String> missing = new HashSet<>(listed);
                    missing.removeAll(handled);
                    wrong.set("complete while " + missing + " not handled");
                }
            });
            folder.start();
            lister.start();
            reader.start();
            go.countDown();
            folder.join(10_000);
            lister.join(10_000);
            reader.join(10_000);
            assertThat(reader.isAlive()).as("seed %d: never complete", seed).isFalse();
            assertThat(wrong.get()).as("seed %d", seed).isNull();
            assertThat(f.complete()).as("seed %d", seed).isTrue();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> uids(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + "-" + i);
        }
        return out;
    }

    private static GenericKubernetesResource object(String uid) {
        GenericKubernetesResource o = new GenericKubernetesResource();
        o.setMetadata(new ObjectMetaBuilder()
                .withUid(uid)
                .withNamespace("ns")
                .withName("n-" + uid)
                .build());
        return o;
    }
}
