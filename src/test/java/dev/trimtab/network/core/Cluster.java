package dev.trimtab.network.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.trimtab.kube.IpAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A small fixed cluster for the semantics tests, plus YAML-to-objects for policies written inline.
 * shop (team=a): web 10.0.0.10 (http 8080/TCP, metrics 9090/TCP, dns 53/UDP), db 10.0.0.20 (pg 5432/TCP);
 * other (team=b): client 10.1.0.5 (no ports), pending (no IP yet). Namespace ghost has no object.
 */
final class Cluster {
    static final String BASE = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {team: a}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: other, labels: {team: b}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: shop, labels: {app: web}}
            spec:
              containers:
              - name: main
                ports:
                - {name: http, containerPort: 8080}
                - {name: metrics, containerPort: 9090, protocol: TCP}
              - name: dns
                ports: [{name: dns, containerPort: 53, protocol: UDP}]
            status: {podIP: 10.0.0.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: db, namespace: shop, labels: {app: db}}
            spec: {containers: [{name: pg, ports: [{name: pg, containerPort: 5432}]}]}
            status: {podIP: 10.0.0.20, podIPs: [{ip: 10.0.0.20}, {ip: 'fd00:1::20'}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: client, namespace: other, labels: {app: client}}
            spec: {containers: [{name: c}]}
            status: {podIP: 10.1.0.5}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: pending, namespace: other, labels: {app: client}}
            spec: {containers: [{name: c}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: lonely, namespace: ghost, labels: {app: lonely}}
            status: {podIP: 10.9.0.1}
            """;

    private Cluster() {}

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> objects(String yaml) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs =
                E2eCase.YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    out.add(E2eCase.YAML.convertValue(doc, Map.class));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The base cluster plus {@code policies} (YAML documents); fails on any object error. */
    static NetworkModel with(String policies) {
        NetworkModel model = NetworkModel.fromObjects(objects(BASE + "---\n" + policies));
        if (!model.errors().isEmpty()) {
            throw new AssertionError("object errors: " + model.errors());
        }
        return model;
    }

    /** {@code ns/name} to a pod endpoint, anything else to an address (a pod's address becomes the pod). */
    static Endpoint endpoint(NetworkModel model, String text) {
        if (IpAddress.isAddress(text)) {
            return model.endpointFor(IpAddress.parse(text));
        }
        String[] p = text.split("/");
        return new Endpoint.PodEndpoint(model.pod(p[0], p[1]).orElseThrow(() -> new AssertionError("no pod " + text)));
    }
}
