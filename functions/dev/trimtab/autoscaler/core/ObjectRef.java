package dev.trimtab.autoscaler.core;

/** A reference to a Kubernetes object, like the HPA's CrossVersionObjectReference plus its namespace. */
public record ObjectRef(String apiVersion, String kind, String namespace, String name) {
    /** The group of {@link #apiVersion}: "" for the core group. */
    public String group() {
        int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** Same object: kind, namespace, name and API group equal (the version may differ). */
    public boolean sameObject(ObjectRef other) {
        return kind.equals(other.kind)
                && namespace.equals(other.namespace)
                && name.equals(other.name)
                && group().equals(other.group());
    }

    @Override
    public String toString() {
        return kind + " " + namespace + "/" + name;
    }
}
