package dev.trimtab.autoscaler.core;

import java.util.Locale;

/** Per-direction tolerance around a usage ratio of 1.0; both bounds inclusive, as in the HPA. */
public record Tolerances(double scaleDown, double scaleUp) {
    public boolean isWithin(double usageRatio) {
        return (1.0 - scaleDown) <= usageRatio && usageRatio <= (1.0 + scaleUp);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "[down:%.1f%%, up:%.1f%%]", scaleDown * 100, scaleUp * 100);
    }
}
