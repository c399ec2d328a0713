#!/bin/sh
# Starts a distributed Connect worker with the shipped settings (config/connect-distributed.properties),
# filling in the brokers, the REST listener and the plugin folder.
set -eu
props=/tmp/connect-distributed.properties
sed -e "s|^bootstrap.servers=.*|bootstrap.servers=${CONNECT_BOOTSTRAP_SERVERS}|" \
    -e "s|^listeners=.*|listeners=http://0.0.0.0:8083|" \
    -e "s|^plugin.path=.*|plugin.path=/opt/kafka/plugins|" \
    /opt/kafka/config/pgcdc/connect-distributed.properties > "$props"
echo "rest.advertised.host.name=${CONNECT_ADVERTISED_HOST_NAME}" >> "$props"
exec /opt/kafka/bin/connect-distributed.sh "$props"
