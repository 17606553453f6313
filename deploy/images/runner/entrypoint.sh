#!/usr/bin/env bash
# Entry point of Arcade's Arc runner image. Argo's step runs /opt/spark/bin/spark-submit directly (the
# driver, in client mode); the executor pods Spark then asks Kubernetes for start this image with the
# single argument `executor` and describe themselves in SPARK_* variables, which this turns into the
# executor JVM. Anything else is run as given.
set -euo pipefail

SPARK_HOME="${SPARK_HOME:-/opt/spark}"

if [ "${1:-}" != "executor" ]; then
  exec "$@"
fi

for name in SPARK_DRIVER_URL SPARK_EXECUTOR_ID SPARK_EXECUTOR_CORES SPARK_EXECUTOR_MEMORY \
            SPARK_APPLICATION_ID SPARK_EXECUTOR_POD_IP SPARK_EXECUTOR_POD_NAME; do
  if [ -z "${!name:-}" ]; then
    echo "entrypoint: $name is not set; executor pods are started by the Spark driver" >&2
    exit 2
  fi
done

# Spark 3.3 on Java 17 needs these JDK packages opened to its classes.
options=()
for package in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
               java.util.concurrent java.util.concurrent.atomic sun.nio.ch sun.nio.cs \
               sun.security.action sun.util.calendar; do
  options+=("--add-opens=java.base/$package=ALL-UNNAMED")
done
# The driver passes the executor's Java options as SPARK_JAVA_OPT_0, _1, … in order.
while IFS= read -r name; do
  options+=("${!name}")
done < <(compgen -e | grep '^SPARK_JAVA_OPT_[0-9]*$' | sort -t_ -k4 -n)

exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" "${options[@]}" \
  -Xms"$SPARK_EXECUTOR_MEMORY" -Xmx"$SPARK_EXECUTOR_MEMORY" \
  -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" \
  org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
  --driver-url "$SPARK_DRIVER_URL" --executor-id "$SPARK_EXECUTOR_ID" \
  --cores "$SPARK_EXECUTOR_CORES" --app-id "$SPARK_APPLICATION_ID" \
  --hostname "$SPARK_EXECUTOR_POD_IP" --resourceProfileId "${SPARK_RESOURCE_PROFILE_ID:-0}" \
  --podName "$SPARK_EXECUTOR_POD_NAME"
