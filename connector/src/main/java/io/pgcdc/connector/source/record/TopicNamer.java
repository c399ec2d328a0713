package io.pgcdc.connector.source.record;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.common.TopicNames;

/** Fills in the topic templates; characters Kafka does not take in a topic name become _. */
public final class TopicNamer {
  private final String template;
  private final String prefix;
  private final String database;

  public TopicNamer(String template, String prefix, String database) {
    this.template = template;
    this.prefix = prefix;
    this.database = database;
  }

  String topic(TableId table) {
    return fill(template, table.schema(), table.table());
  }

  public String fill(String text, String schema, String table) {
    String name =
        text.replace("${prefix}", prefix)
            .replace("${database}", database)
            .replace("${schema}", schema == null ? "" : schema)
            .replace("${table}", table == null ? "" : table);
    return TopicNames.legal(name);
  }
}
