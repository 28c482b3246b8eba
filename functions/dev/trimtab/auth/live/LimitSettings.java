package dev.trimtab.auth.live;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Bounds on the work one request may cause ({@code trimtab.limits.*}; docs/security.md). */
@ConfigMapping(prefix = "trimtab.limits")
public interface LimitSettings {
    Pool query();

    Pool extender();

    Admission admission();

    Push push();

    Ingest ingest();

    Network network();

    /** A pool of threads answering one kind of request, with its own queue and time limit. */
    interface Pool {
        /** The largest request body. */
        @WithDefault("64K")
        MemorySize maxBodySize();

        /** Requests answered at once; more wait in the queue. */
        @WithDefault("4")
        int concurrency();

        /** Requests waiting; more get 429 with Retry-After. */
        @WithDefault("16")
        int queue();

        /** An answer not ready by then is a 503 and its work is interrupted. */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Admission {
        /** Threads answering admission reviews, apart from every query. */
        @WithDefault("4")
        int threads();

        /** Reviews waiting; more get 503 (the webhook's failurePolicy decides). */
        @WithDefault("256")
        int queue();

        /**
         * A review still queued or running after this gets 503: the API server has given up on it by
         * then (the webhooks' timeoutSeconds is 5, at most 30), so a flood cannot pile up work.
         */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Push {
        @WithDefault("3M")
        MemorySize maxBodySize();
    }

    /** The metric receivers (Prometheus remote write): the compressed body as sent. */
    interface Ingest {
        @WithDefault("8M")
        MemorySize maxBodySize();
    }

    interface Network {
        /** Pod pairs one /network/matrix may compute (pods², each pod with itself too). */
        @WithDefault("10000")
        int matrixMaxPairs();
    }
}
