package io.pgcdc.it.statement;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectRestClient;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.SinkConnectorFixture;
import io.pgcdc.it.pg.PostgresServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the statement sink ITs share: the connector of config/pgcdc-statement.json on the test
 * server and a unique topic (its templates and ledger replaced per test), a producer of JSON
 * records, SQL checks polled until they hold, and clean-up of the connector and what a test made.
 */
final class StatementFixture extends SinkConnectorFixture {
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final String CONNECTOR_CLASS =
      "io.pgcdc.connector.statement.PostgresStatementSinkConnector";

  private static final String JSON_CONVERTER = "io.pgcdc.connector.json.JsonConverter";

  final String ledger;

  StatementFixture(ConnectCluster cluster, PostgresServer pg, String prefix) {
    super(cluster, pg, prefix, TIMEOUT);
    this.ledger = name + "_ledger";
    cleanUp.add("DROP TABLE IF EXISTS public." + ledger);
  }

  /** The shipped config on this test's server, topic and ledger, without its templates. */
  ConnectorDefinition connector() {
    return ConnectorDefinition.fromConfigDir("pgcdc-statement.json")
        .withName(name)
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
        .with("topics", topic)
        .with("offsets.table", "public." + ledger)
        .without("statement")
        .without("statement.delete");
  }

  /** {@link #connector()} reading JSON without schemas. */
  ConnectorDefinition schemaless() {
    return connector()
        .with("key.converter", JSON_CONVERTER)
        .with("value.converter", JSON_CONVERTER)
        .with("key.converter.schemas.enable", "false")
        .with("value.converter.schemas.enable", "false");
  }

  /** The validation errors of the connector's config, by setting. */
  Map<String, String> validationErrors(ConnectorDefinition connector) {
    Map<String, String> config = new HashMap<>(connector.config());
    config.put("name", name);
    return ConnectRestClient.validationErrors(cluster.rest().validate(CONNECTOR_CLASS, config));
  }

  /** Runs SQL now, and {@code dropSql} when the test ends (before what was made earlier). */
  void create(String sql, String dropSql) {
    cleanUp.add(0, dropSql);
    pg.execute(sql);
  }

  /** Creates the topic with {@code partitions} partitions. */
  void createTopic(int partitions) {
    cluster.createTopic(topic, partitions);
  }

  /** Sends the records round robin over partitions 0 to {@code partitions - 1}, in order. */
  void produce(List<String[]> records, int partitions) {
    cluster.produce(topic, partitions, records);
  }
}
