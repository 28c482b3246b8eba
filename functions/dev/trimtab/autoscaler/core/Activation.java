package dev.trimtab.autoscaler.core;

/**
 * KEDA's activation phase for a policy with {@code minReplicas: 0}: whether the workload wakes
 * from zero, goes to zero, or leaves the decision to the HPA rules. Mirrors KEDA's RequestScale
 * decision table (no idle replica count, no pause-scale-in/out; pause is handled before this).
 */
final class Activation {

    enum Action {
        /** At zero and active: scale up from zero. */
        Wake,
        /** Inactive, the cooldown has run out: scale to zero. */
        Sleep,
        /** Inactive, still cooling down: the HPA rules go on (minimum 1). */
        CoolingDown,
        /** At zero and not active (or in error): stay at zero. */
        StayAtZero,
        /** Active, or in error without a way to fall back: the HPA rules decide (minimum 1). */
        HpaDecides
    }

    /**
     * @param active  some metric without error is strictly above its activation threshold (or in fallback)
     * @param error   some activation metric failed (and is not in fallback)
     * @param fallbackReplicas the spec's fallback replicas, or -1 without fallback
     * @param createdMillis when the policy came to be: the initial cooldown counts from there
     */
    record Input(
            int current,
            boolean active,
            boolean error,
            int fallbackReplicas,
            long lastActiveMillis,
            long createdMillis,
            int cooldownSeconds,
            int initialCooldownSeconds,
            long nowMillis) {}

    private Activation() {}

    static Action decide(Input in) {
        if (in.active()) {
            return in.current() == 0 ? Action.Wake : Action.HpaDecides;
        }
        if (in.error() && in.fallbackReplicas() != 0) {
            // KEDA: with a fallback, errors leave the HPA to reach the fallback count; without one,
            // nothing is written. Either way an error never scales to zero.
            return in.current() == 0 ? Action.StayAtZero : Action.HpaDecides;
        }
        if (in.current() == 0) {
            return Action.StayAtZero;
        }
        return cooledDown(in) ? Action.Sleep : Action.CoolingDown;
    }

    /** Whether the active window has run out; KEDA's comparisons are strict. */
    static boolean cooledDown(Input in) {
        if (in.lastActiveMillis() >= 0) {
            return in.lastActiveMillis() + in.cooldownSeconds() * 1000L < in.nowMillis();
        }
        return in.createdMillis() + in.initialCooldownSeconds() * 1000L < in.nowMillis();
    }

    /** KEDA refreshes lastActiveTime only when active and no trigger is in error. */
    static boolean refreshesLastActive(Input in) {
        return in.active() && (!in.error() || in.current() == 0);
    }
}
