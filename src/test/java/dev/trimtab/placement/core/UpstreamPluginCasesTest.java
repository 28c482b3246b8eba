package dev.trimtab.placement.core;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kube-scheduler's plugin test tables carried over as data (src/test/resources/placement/upstream),
 * one parameterized test per plugin family; the case format is {@link PluginCasesTest}'s.
 */
class UpstreamPluginCasesTest {
    static Stream<Arguments> nodeResourcesFit() {
        return CaseFiles.load("node_resources_fit.yaml");
    }

    static Stream<Arguments> nodeAffinity() {
        return CaseFiles.load("node_affinity.yaml");
    }

    static Stream<Arguments> podTopologySpread() {
        return CaseFiles.load("pod_topology_spread_filter.yaml");
    }

    static Stream<Arguments> nodePorts() {
        return CaseFiles.load("node_ports.yaml");
    }

    static Stream<Arguments> imageLocality() {
        return CaseFiles.load("image_locality.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void nodeResourcesFit(String name, Map<String, Object> file, Map<String, Object> c) {
        PluginCasesTest.check(file, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void nodeAffinity(String name, Map<String, Object> file, Map<String, Object> c) {
        PluginCasesTest.check(file, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void podTopologySpread(String name, Map<String, Object> file, Map<String, Object> c) {
        PluginCasesTest.check(file, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void nodePorts(String name, Map<String, Object> file, Map<String, Object> c) {
        PluginCasesTest.check(file, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void imageLocality(String name, Map<String, Object> file, Map<String, Object> c) {
        PluginCasesTest.check(file, c);
    }
}
