package dev.trimtab.placement;

import dev.trimtab.placement.core.Profile;
import dev.trimtab.placement.core.ScoringStrategy;
import dev.trimtab.placement.core.SpreadConstraint;
import dev.trimtab.placement.core.SpreadDefaults;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The placement profile from configuration ({@code application.properties}, the same keys for the
 * live function and for replay), in the spirit of {@code KubeSchedulerConfiguration.profiles[]}:
 * <ul>
 *   <li>{@code trimtab.placement.scheduler-name} (default {@code trimtab}): the pods placed are those
 *       whose {@code spec.schedulerName} is this;</li>
 *   <li>{@code trimtab.placement.scoring-strategy}: {@code LeastAllocated} (default),
 *       {@code MostAllocated}, or {@code RequestedToCapacityRatio} with
 *       {@code trimtab.placement.shape=0:0,100:10} (utilization:score points, scores 0–10 as upstream);</li>
 *   <li>{@code trimtab.placement.disabled}: plugins disabled at every extension point (comma list);</li>
 *   <li>{@code trimtab.placement.weight.PLUGIN}: a score plugin's weight (1–100);</li>
 *   <li>{@code trimtab.placement.spread-defaulting}: PodTopologySpread's {@code defaultingType},
 *       {@code System} (default: hostname maxSkew 3 and zone maxSkew 5, ScheduleAnyway, for pods
 *       without constraints of their own) or {@code List}, with
 *       {@code trimtab.placement.spread-default-constraints=topologyKey:maxSkew:whenUnsatisfiable,...}
 *       as its {@code defaultConstraints} (none when absent).</li>
 * </ul>
 * Without any of them the profile is the default scheduler's.
 */
public final class PlacementSettings {
    private PlacementSettings() {}

    /** The profile the packaged {@code application.properties} describes. */
    public static Profile fromClasspath() {
        Properties p = new Properties();
        try (InputStream in = PlacementSettings.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read application.properties: " + e.getMessage(), e);
        }
        return profile(p);
    }

    /** @throws IllegalArgumentException naming the key and the value that is not allowed */
    public static Profile profile(Properties p) {
        Profile defaults = Profile.defaults();
        Profile profile = new Profile(
                p.getProperty("trimtab.placement.scheduler-name", "trimtab"),
                defaults.filters(),
                defaults.scoreWeights(),
                defaults.scoringStrategy(),
                defaults.balancedResources());
        String strategy = p.getProperty("trimtab.placement.scoring-strategy", "LeastAllocated")
                .trim();
        ScoringStrategy.Type type;
        try {
            type = ScoringStrategy.Type.valueOf(strategy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trimtab.placement.scoring-strategy: got \"" + strategy
                    + "\", want LeastAllocated, MostAllocated or RequestedToCapacityRatio");
        }
        List<ScoringStrategy.ShapePoint> shape = new ArrayList<>();
        String shapeText = p.getProperty("trimtab.placement.shape", "").trim();
        if (!shapeText.isEmpty()) {
            for (String point : shapeText.split(",")) {
                String[] uv = point.trim().split(":");
                try {
                    shape.add(
                            new ScoringStrategy.ShapePoint(Long.parseLong(uv[0].trim()), Long.parseLong(uv[1].trim())));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("trimtab.placement.shape: got \"" + point
                            + "\", want utilization:score such as 0:0,100:10");
                }
            }
        }
        profile = profile.withScoringStrategy(new ScoringStrategy(type, ScoringStrategy.DEFAULT_RESOURCES, shape));
        String disabled = p.getProperty("trimtab.placement.disabled", "").trim();
        if (!disabled.isEmpty()) {
            for (String plugin : disabled.split(",")) {
                if (!Profile.FILTERS.contains(plugin.trim()) && !Profile.SCORES.contains(plugin.trim())) {
                    throw new IllegalArgumentException("trimtab.placement.disabled: " + plugin.trim()
                            + " is not a plugin; known: " + Profile.FILTERS + " " + Profile.SCORES);
                }
                profile = profile.without(plugin.trim());
            }
        }
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("trimtab.placement.weight.")) {
                String plugin = key.substring("trimtab.placement.weight.".length());
                try {
                    profile = profile.withWeight(
                            plugin, Integer.parseInt(p.getProperty(key).trim()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(key + ": got \"" + p.getProperty(key) + "\", want 1 to 100");
                }
            }
        }
        return profile.withSpreadDefaults(spreadDefaults(p));
    }

    private static SpreadDefaults spreadDefaults(Properties p) {
        String type =
                p.getProperty("trimtab.placement.spread-defaulting", "System").trim();
        String list = p.getProperty("trimtab.placement.spread-default-constraints", "")
                .trim();
        if (type.equals("System")) {
            if (!list.isEmpty()) {
                throw new IllegalArgumentException("trimtab.placement.spread-default-constraints: got \"" + list
                        + "\", want none with trimtab.placement.spread-defaulting=System");
            }
            return SpreadDefaults.SYSTEM;
        }
        if (!type.equals("List")) {
            throw new IllegalArgumentException(
                    "trimtab.placement.spread-defaulting: got \"" + type + "\", want System or List");
        }
        List<SpreadConstraint> constraints = new ArrayList<>();
        for (String item : list.isEmpty() ? new String[0] : list.split(",")) {
            String[] parts = item.trim().split(":");
            String want = "topologyKey:maxSkew:whenUnsatisfiable such as topology.kubernetes.io/zone:1:ScheduleAnyway";
            if (parts.length != 3 || !(parts[2].equals("DoNotSchedule") || parts[2].equals("ScheduleAnyway"))) {
                throw new IllegalArgumentException(
                        "trimtab.placement.spread-default-constraints: got \"" + item.trim() + "\", want " + want);
            }
            int maxSkew;
            try {
                maxSkew = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "trimtab.placement.spread-default-constraints: got \"" + item.trim() + "\", want " + want);
            }
            constraints.add(new SpreadConstraint(
                    maxSkew, parts[0].intern(), parts[2].equals("DoNotSchedule"), null, 1, true, false));
        }
        try {
            return SpreadDefaults.list(constraints);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trimtab.placement.spread-default-constraints: " + e.getMessage(), e);
        }
    }
}
