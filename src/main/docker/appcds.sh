#!/bin/sh
# Writes an AppCDS archive (the JDK's dynamic archive) for the image, with the image's own JVM:
# starts the application with -XX:ArchiveClassesAtExit, waits until Quarkus reports "started" and
# two seconds more (Kafka and the Kubernetes API need not be reachable: neither blocks the start),
# then stops it with SIGTERM; the JVM writes the archive as it exits. Never fails the build:
# without an archive the image starts without it (-Xshare:auto).
#
#   appcds.sh ARCHIVE JAR [LOG]
#
# (Quarkus' own -Dquarkus.appcds.generate=true only exits early in a jar built with
# quarkus.package.jar.appcds.enabled, which needs the image's JVM at build time.)
set -u
archive=$1
jar=$2
log=${3:-/tmp/appcds.log}
start=$(date +%s)
java -XX:MaxRAMPercentage=75.0 -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -XX:ArchiveClassesAtExit="$archive" -jar "$jar" >"$log" 2>&1 &
pid=$!
waited=0
while [ "$waited" -lt 300 ] && kill -0 "$pid" 2>/dev/null && ! grep -q ' started in ' "$log"; do
    sleep 1
    waited=$((waited + 1))
done
sleep 2
kill -TERM "$pid" 2>/dev/null
wait "$pid"
if [ -s "$archive" ]; then
    echo "AppCDS archive $archive written ($(du -k "$archive" | cut -f1) KiB) in $(( $(date +%s) - start )) s"
else
    echo "WARNING: no AppCDS archive, the image starts without it"
    tail -20 "$log"
fi
exit 0
