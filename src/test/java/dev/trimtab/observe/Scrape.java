package dev.trimtab.observe;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A Prometheus text exposition, read into its families (HELP, TYPE) and the names of its samples. */
public record Scrape(Map<String, String> help, Map<String, String> type, Set<String> samples) {

    public static Scrape parse(String text) {
        Map<String, String> help = new HashMap<>();
        Map<String, String> type = new HashMap<>();
        Set<String> samples = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String[] p = line.substring(7).split(" ", 2);
                help.put(p[0], p.length > 1 ? p[1].trim() : "");
            } else if (line.startsWith("# TYPE ")) {
                String[] p = line.substring(7).split(" ", 2);
                type.put(p[0], p.length > 1 ? p[1].trim() : "");
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int end = 0;
                while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                    end++;
                }
                samples.add(line.substring(0, end));
            }
        }
        return new Scrape(help, type, samples);
    }

    /** The families (from TYPE, HELP and the samples' names) whose name starts with {@code prefix}. */
    public Set<String> families(String prefix) {
        Set<String> out = new TreeSet<>();
        type.keySet().stream().filter(n -> n.startsWith(prefix)).forEach(out::add);
        help.keySet().stream().filter(n -> n.startsWith(prefix)).forEach(out::add);
        for (String s : samples) {
            if (s.startsWith(prefix) && !type.containsKey(s)) {
                out.add(family(s));
            }
        }
        return out;
    }

    /** Whether a query may name {@code metric}: a sample's name or a family's (suffixes _bucket, _count, _sum allowed). */
    public boolean exports(String metric) {
        return samples.contains(metric) || type.containsKey(metric) || type.containsKey(family(metric));
    }

    private String family(String sample) {
        for (String suffix : new String[] {"_bucket", "_count", "_sum", "_max", "_total", "_created"}) {
            if (sample.endsWith(suffix) && type.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return sample;
    }
}
