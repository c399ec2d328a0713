package io.pgcdc.connector.sink.read;

import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.PostgresSinkConfig;
import io.pgcdc.connector.sink.change.BadRecordException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The target table of a record: the topic renamed by topic.regex / topic.replacement, then
 * table.name.format rendered with the topic, the source block, the key or the row, then checked
 * against table.allow.list. A table that depends on the topic alone is cached per topic.
 */
final class TableRouter {
  private final TableNameTemplate template;
  private final TableAllowList allowList;
  private final Pattern topicRegex;
  private final String topicReplacement;
  private final Map<String, String> renamedTopics = new HashMap<>();
  private final Map<String, TableId> tablesByTopic = new HashMap<>();
  private String lastTopic;
  private TableId lastTable;

  TableRouter(PostgresSinkConfig config, TableNameTemplate template) {
    this.template = template;
    this.allowList = config.tableAllowList(template);
    this.topicRegex = config.topicRegex();
    this.topicReplacement = config.topicReplacement();
  }

  /** The record's table; {@code row} and {@code source} may be null when the record has none. */
  TableId table(SinkRecord record, Row row, Row source) {
    if (!template.dependsOnTopicOnly()) {
      return render(renamedTopic(record.topic()), record, row, source);
    }
    if (record.topic() == lastTopic) {
      return lastTable; // consecutive records of one partition share the topic string
    }
    String topic = renamedTopic(record.topic());
    TableId cached = tablesByTopic.get(topic);
    if (cached == null) {
      cached = render(topic, record, row, source);
      tablesByTopic.put(topic, cached);
    }
    lastTopic = record.topic();
    lastTable = cached;
    return cached;
  }

  /** The record's target table, once it is known to be allowed. */
  private TableId render(String topic, SinkRecord record, Row row, Row source) {
    TableId table = renderName(topic, record, row, source);
    if (!allowList.allows(table)) {
      throw new BadRecordException(allowList.rejection(table));
    }
    return table;
  }

  private TableId renderName(String topic, SinkRecord record, Row row, Row source) {
    try {
      return template.render(name -> placeholder(name, topic, record, row, source));
    } catch (IllegalArgumentException e) {
      throw new BadRecordException(
          "table.name.format '" + template.format() + "' gives no table name: " + e.getMessage());
    }
  }

  private static String placeholder(
      String name, String topic, SinkRecord record, Row row, Row source) {
    if (name.equals("topic")) {
      return topic;
    }
    if (name.startsWith("source.")) {
      if (source == null) {
        throw new BadRecordException(
            "table.name.format uses ${"
                + name
                + "}, but the record has no envelope 'source' block");
      }
      return placeholderText(name, source.get(name.substring(7)));
    }
    if (name.startsWith("key.")) {
      Object key = record.key();
      if (!(key instanceof Struct || key instanceof Map<?, ?>)) {
        throw new BadRecordException(
            "table.name.format uses ${" + name + "}, but the record key is not a struct");
      }
      return placeholderText(name, Row.of(key, "the record key").get(name.substring(4)));
    }
    if (row == null) {
      throw new BadRecordException(
          "table.name.format uses ${" + name + "}, but the record has no row value");
    }
    return placeholderText(name, row.get(name.substring(6)));
  }

  private static String placeholderText(String name, Object value) {
    if (value == null) {
      throw new BadRecordException(
          "table.name.format uses ${" + name + "}, which is missing or null in the record");
    }
    return value.toString();
  }

  private String renamedTopic(String topic) {
    if (topicRegex == null) {
      return topic;
    }
    return renamedTopics.computeIfAbsent(
        topic,
        t -> {
          Matcher m = topicRegex.matcher(t);
          return m.matches() ? m.replaceFirst(topicReplacement) : t;
        });
  }
}
