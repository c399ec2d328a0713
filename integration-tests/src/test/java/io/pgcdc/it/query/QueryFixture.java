package io.pgcdc.it.query;

import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.pg.PostgresServer;

/** What the query source ITs share. */
final class QueryFixture {
  private QueryFixture() {}

  /** The shipped config/pgcdc-query.json without its demo query, pointed at {@code pg}. */
  static ConnectorDefinition query(PostgresServer pg, String name) {
    return ConnectorDefinition.fromConfigDir("pgcdc-query.json")
        .withName(name)
        .withConnection(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())
        .with("topic.prefix", name)
        .without("queries")
        .without("query.orders.sql")
        .without("query.orders.parameters.min_quantity")
        .without("query.orders.mode")
        .without("query.orders.timestamp.column")
        .without("query.orders.incrementing.column")
        .without("query.orders.key.columns")
        .without("query.orders.interval.ms");
  }
}
