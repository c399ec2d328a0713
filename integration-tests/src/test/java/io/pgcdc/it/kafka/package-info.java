/**
 * The Kafka side of the integration tests: a KRaft broker and a distributed Kafka Connect worker,
 * each in its own JVM on loopback ports, the worker loading pgcdc from the packaged plugin folder
 * through {@code plugin.path} (the test classpath does not have the connector).
 *
 * <pre>{@code
 * @ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
 * class OrdersIT {
 *   @Test
 *   void insertArrives(PostgresServer pg, ConnectCluster cluster) {
 *     String name = pg.uniqueName("orders");
 *     ConnectorDefinition source =
 *         ConnectorDefinition.fromConfigDir("pgcdc-source.json")
 *             .withName(name)
 *             .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
 *             .with(Map.of("table.include.list", "public.orders", "topic.prefix", name));
 *     cluster.rest().create(source);
 *     cluster.rest().awaitRunning(source.name(), Duration.ofSeconds(60));
 *     List<ConsumerRecord<String, String>> records =
 *         cluster.read(name + ".public.orders", 1, Duration.ofSeconds(60));
 *     ...
 *     cluster.rest().delete(source.name());
 *   }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.pgcdc.it.kafka.ConnectCluster}: broker and worker; {@code shared()} per test JVM,
 *       {@code start(KafkaSettings)} for one of your own; {@code rest()}, {@code read(...)}, {@code
 *       bootstrapServers()}, {@code worker().kill()} / {@code worker().restart(timeout)}.
 *   <li>{@link io.pgcdc.it.kafka.KafkaConnectExtension}: resolves {@code ConnectCluster} and {@code
 *       ConnectRestClient} parameters, prints the worker's log of a failed test; with {@link
 *       io.pgcdc.it.kafka.OwnConnectCluster} the class gets its own cluster (tests that kill or
 *       restart the worker must use it, or they break the classes running beside them); its {@code
 *       testPlugins} are test classes the worker loads as a plugin ({@link
 *       io.pgcdc.it.kafka.TestPlugins}).
 *   <li>{@link io.pgcdc.it.kafka.ConnectRestClient}: plugins, create, putConfig, delete, restart,
 *       validate, status, awaitRunning, awaitFailed, and {@code send} for raw requests.
 *   <li>{@link io.pgcdc.it.kafka.ConnectorDefinition}: a config/*.json file with overrides.
 *   <li>{@link io.pgcdc.it.kafka.TopicReader}: the first N records of a topic, with a deadline.
 *   <li>{@link io.pgcdc.it.kafka.Deadline}: polling with a deadline instead of sleeping.
 * </ul>
 *
 * Logs: target/it-logs/ (broker.log, worker.log; a class with its own cluster in a subfolder).
 */
package io.pgcdc.it.kafka;
