package io.pgcdc.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.e2e.EveryTypeTable;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.ConnectorDefinition;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.ItEnvironment;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.KafkaSettings;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Debezium's JDBC sink ({@code io.debezium.connector.jdbc.JdbcSinkConnector}, from its plugin
 * archive) reads a pgcdc topic of a table with a column of every type and upserts it into a table
 * it creates in the same PostgreSQL ({@code insert.mode=upsert}, {@code
 * primary.key.mode=record_key}, {@code schema.evolution=basic}, deletes enabled). Per column, the
 * test records whether the values arrive equal ({@code col::text} of source and target, for the
 * ordinary rows and for the rows of edge values separately) and which column type the sink created,
 * writes that table to target/it-logs/debezium-jdbc-sink-types.md (docs/type-mapping.md keeps a
 * copy), and asserts the sets of equal columns, so that a change on either side is noticed. Edge
 * values that make the sink's task fail (which stops the whole topic) are left out of that table
 * and checked one at a time.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class DebeziumJdbcSinkIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String SINK = "io.debezium.connector.jdbc.JdbcSinkConnector";

  /** Rows of ordinary values (1 snapshot, 4 streamed) and of edge values (2, 5). */
  private static final List<Long> ORDINARY = List.of(1L, 4L);

  private static final List<Long> EDGES = List.of(2L, 5L);

  /**
   * Columns with an edge value that fails the sink's task (the whole topic stops), and the
   * exception: the table's rows of edge values leave them NULL, and {@link #failsOnTheseEdgeValues}
   * checks each alone.
   */
  private static final Map<String, String> SINK_FAILS =
      Map.of(
          // 24:00:00, a MicroTime of 86400000000 µs
          "c_time",
          "java.time.DateTimeException: Invalid value for NanoOfDay (valid values 0 -"
              + " 86399999999999): 86400000000000",
          // a Decimal of precision 40: the sink creates numeric(38,20)
          "c_numeric_ps",
          "ERROR: numeric field overflow");

  /** Columns whose ordinary values arrive unchanged (as {@code ::text}). */
  private static final Set<String> EQUAL_ORDINARY =
      Set.of(
          "c_bool",
          "c_int2",
          "c_int4",
          "c_int8",
          "c_oid",
          "c_float4",
          "c_float8",
          "c_numeric_ps",
          "c_varchar",
          "c_text",
          "c_name",
          "c_qchar",
          "c_bytea",
          "c_uuid",
          "c_json",
          "c_jsonb",
          "c_xml",
          "c_date",
          "c_time",
          "c_time3",
          "c_timetz",
          "c_ts",
          "c_tstz",
          "c_tstz3",
          "c_bit",
          "c_varbit",
          "c_inet",
          "c_cidr",
          "c_macaddr",
          "c_macaddr8",
          "c_point",
          "c_line",
          "c_lseg",
          "c_box",
          "c_path",
          "c_polygon",
          "c_circle",
          "c_tsvector",
          "c_tsquery",
          "c_lsn",
          "c_int4range",
          "c_int8range",
          "c_numrange",
          "c_tsrange",
          "c_tstzrange",
          "c_daterange",
          "c_int4multirange",
          "c_nummultirange",
          "c_tstzmultirange",
          "c_datemultirange",
          "c_enum",
          "c_domain",
          "c_int_arr",
          "c_text_arr",
          "c_enum_arr");

  /** Columns whose edge values arrive unchanged. */
  private static final Set<String> EQUAL_EDGES =
      Set.of(
          "c_bool",
          "c_int2",
          "c_int4",
          "c_int8",
          "c_oid",
          "c_float4",
          "c_float8",
          "c_bpchar",
          "c_varchar",
          "c_text",
          "c_name",
          "c_qchar",
          "c_bytea",
          "c_uuid",
          "c_json",
          "c_jsonb",
          "c_xml",
          "c_time3",
          "c_timetz",
          "c_ts",
          "c_tstz3",
          "c_bit",
          "c_varbit",
          "c_cidr",
          "c_macaddr",
          "c_macaddr8",
          "c_point",
          "c_line",
          "c_lseg",
          "c_box",
          "c_path",
          "c_polygon",
          "c_circle",
          "c_tsvector",
          "c_tsquery",
          "c_lsn",
          "c_int4range",
          "c_int8range",
          "c_numrange",
          "c_tsrange",
          "c_tstzrange",
          "c_daterange",
          "c_int4multirange",
          "c_nummultirange",
          "c_tstzmultirange",
          "c_datemultirange",
          "c_enum",
          "c_domain",
          "c_int_arr",
          "c_text_arr",
          "c_enum_arr");

  @Test
  void debeziumJdbcSinkWritesTheseColumnsOfAPgcdcTopicUnchanged(
      PostgresServer pg, ConnectCluster cluster) throws SQLException, IOException {
    try (InteropPipeline p = new InteropPipeline(cluster, pg, "dbzjdbc")) {
      String table = p.createEveryTypeTable(SINK_FAILS.keySet());
      String target = table + "_dbz";
      p.cleanUpAlso("DROP TABLE IF EXISTS public." + target);
      Set<String> columns = columnsOf(pg, table);

      ConnectorDefinition source = p.source("src", table);
      p.start(source, TIMEOUT);
      p.awaitRecords(InteropPipeline.topic(source, table), 3, TIMEOUT);
      ConnectorDefinition sink = sink(p, InteropPipeline.topic(source, table), target);
      p.start(sink, TIMEOUT);
      p.changeEveryTypeTable(table);
      awaitRows(p, sink.name(), target);

      List<Outcome> outcomes = compare(pg, table, target, columns);
      String byColumn =
          markdown(outcomes)
              .replace(table + "_mood", "an enum")
              .replace(table + "_posint", "a domain over integer");
      Path report = ItEnvironment.logDir().resolve("debezium-jdbc-sink-types.md");
      Files.writeString(report, byColumn);
      System.out.println("Debezium's JDBC sink, per column (" + report + "):\n" + byColumn);

      assertThat(names(outcomes, Outcome::ordinaryEqual))
          .as("columns whose ordinary values arrive unchanged; see %s", report)
          .isEqualTo(present(EQUAL_ORDINARY, columns));
      assertThat(names(outcomes, Outcome::edgesEqual))
          .as("columns whose edge values arrive unchanged; see %s", report)
          .isEqualTo(present(EQUAL_EDGES, columns));
    }
  }

  static Stream<String> sinkFailures() {
    return SINK_FAILS.keySet().stream().sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sinkFailures")
  void failsOnTheseEdgeValues(String column, PostgresServer pg, ConnectCluster cluster) {
    try (InteropPipeline p = new InteropPipeline(cluster, pg, "dbzfail")) {
      String table = p.name;
      String target = table + "_dbz";
      p.cleanUpAlso("DROP TABLE IF EXISTS public." + table + ", public." + target);
      String type = EveryTypeTable.columns(pg, "unused", "unused").get(column);
      pg.execute(
          EveryTypeTable.createTable(table, Map.of(column, type)),
          EveryTypeTable.insert(
              table, 1, Map.of(column, EveryTypeTable.edges(pg, "").get(column))));
      ConnectorDefinition source = p.source("src", table);
      p.start(source, TIMEOUT);
      ConnectorDefinition sink = sink(p, InteropPipeline.topic(source, table), target);
      cluster.rest().create(sink);
      p.started(sink);

      String trace = cluster.rest().awaitFailed(sink.name(), TIMEOUT).traces();

      assertThat(trace).contains(SINK_FAILS.get(column));
    }
  }

  private static ConnectorDefinition sink(InteropPipeline p, String topic, String target) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("connector.class", SINK);
    config.put("tasks.max", "1");
    config.put("topics", topic);
    config.put(
        "connection.url",
        "jdbc:postgresql://" + p.pg.host() + ":" + p.pg.port() + "/" + p.pg.database());
    config.put("connection.username", p.pg.user());
    config.put("connection.password", "${env:" + KafkaSettings.POSTGRES_PASSWORD_ENV + "}");
    config.put("insert.mode", "upsert");
    config.put("delete.enabled", "true");
    config.put("primary.key.mode", "record_key");
    config.put("schema.evolution", "basic");
    config.put("collection.name.format", target);
    return new ConnectorDefinition(p.name + "_dbzsink", config);
  }

  /**
   * Polls until the target holds rows 1, 2, 4 and 5, with row 1's update and row 3 deleted; fails
   * at once, with the columns the sink created, when the sink's task fails.
   */
  private static void awaitRows(InteropPipeline p, String sinkName, String target) {
    AtomicReference<String> last = new AtomicReference<>("");
    Deadline.in(TIMEOUT)
        .await(
            target + " to hold rows 1, 2, 4, 5 after the update and the delete",
            () -> {
              last.set(
                  query(
                      p.pg,
                      "SELECT string_agg(id::text, ',' ORDER BY id)"
                          + " || CASE WHEN bool_or(id = 1 AND c_text = 'changed')"
                          + " THEN ' updated' ELSE '' END FROM public."
                          + target));
              if ("1,2,4,5 updated".equals(last.get())) {
                return true;
              }
              if (p.cluster.rest().status(sinkName).failed()) {
                throw new AssertionError(
                    "the sink failed; it created "
                        + query(
                            p.pg,
                            "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod),"
                                + " ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid ="
                                + " to_regclass('public."
                                + target
                                + "') AND attnum > 0")
                        + "; "
                        + p.states());
              }
              return false;
            },
            () -> "rows " + last.get() + "; " + p.states());
  }

  /** The first column of the first row of {@code sql}, or the error's message. */
  private static String query(PostgresServer pg, String sql) {
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      return e.getMessage(); // e.g. the target is not created yet
    }
  }

  /** The columns of {@code public.table} but the key, in their order. */
  private static Set<String> columnsOf(PostgresServer pg, String table) throws SQLException {
    Set<String> columns = new java.util.LinkedHashSet<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT attname FROM pg_attribute WHERE attrelid = 'public."
                    + table
                    + "'::regclass AND attnum > 1 AND NOT attisdropped ORDER BY attnum")) {
      while (rs.next()) {
        columns.add(rs.getString(1));
      }
    }
    return columns;
  }

  /**
   * The outcome of one column.
   *
   * @param column the column's name
   * @param sourceType its type in the source table ({@code format_type})
   * @param targetType the type the sink created, or null when the target lacks the column
   * @param ordinaryEqual whether the ordinary rows have the same text in both tables
   * @param edgesEqual whether the rows of edge values have the same text in both tables
   * @param example a source text and what arrived, for a row that differs (ordinary rows first)
   */
  record Outcome(
      String column,
      String sourceType,
      String targetType,
      boolean ordinaryEqual,
      boolean edgesEqual,
      String example) {}

  private static List<Outcome> compare(
      PostgresServer pg, String table, String target, Iterable<String> columns)
      throws SQLException {
    List<Outcome> outcomes = new ArrayList<>();
    try (Connection c = pg.connect();
        Statement s = c.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("SET extra_float_digits = 1");
      for (String column : columns) {
        String sourceType = columnType(s, table, column);
        String targetType = columnType(s, target, column);
        if (targetType == null) {
          outcomes.add(new Outcome(column, sourceType, null, false, false, "column missing"));
          continue;
        }
        String ordinary = firstDifference(s, table, target, column, ORDINARY);
        String edges =
            SINK_FAILS.containsKey(column)
                ? "edge value fails the sink: " + SINK_FAILS.get(column)
                : firstDifference(s, table, target, column, EDGES);
        outcomes.add(
            new Outcome(
                column,
                sourceType,
                targetType,
                ordinary == null,
                edges == null,
                ordinary != null ? ordinary : edges));
      }
    }
    return outcomes;
  }

  private static String columnType(Statement s, String table, String column) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public."
                + table
                + "'::regclass AND attname = '"
                + column
                + "' AND NOT attisdropped")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** {@code source -> target} text of the first of {@code ids} that differs, or null. */
  private static String firstDifference(
      Statement s, String table, String target, String column, List<Long> ids) throws SQLException {
    String in = String.join(",", ids.stream().map(String::valueOf).toList());
    try (ResultSet rs =
        s.executeQuery(
            "SELECT a."
                + column
                + "::text, b."
                + column
                + "::text FROM public."
                + table
                + " a LEFT JOIN public."
                + target
                + " b USING (id) WHERE id IN ("
                + in
                + ") AND a."
                + column
                + "::text IS DISTINCT FROM b."
                + column
                + "::text ORDER BY id LIMIT 1")) {
      return rs.next() ? shorten(rs.getString(1)) + " → " + shorten(rs.getString(2)) : null;
    }
  }

  private static String shorten(String text) {
    if (text == null) {
      return "NULL";
    }
    String oneLine = text.replace("\n", "\\n").replace("|", "\\|");
    return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 37) + "...";
  }

  /** Those of {@code expected} that the table has (multiranges need PostgreSQL 14). */
  private static Set<String> present(Set<String> expected, Set<String> columns) {
    Set<String> present = new TreeSet<>(expected);
    present.retainAll(columns);
    return present;
  }

  private static Set<String> names(List<Outcome> outcomes, Predicate<Outcome> test) {
    Set<String> names = new TreeSet<>();
    outcomes.stream().filter(test).forEach(o -> names.add(o.column()));
    return names;
  }

  private static String markdown(List<Outcome> outcomes) {
    StringBuilder text = new StringBuilder();
    text.append("| column | PostgreSQL type | column the sink created | ordinary values | edge")
        .append(" values | first difference (source → target) |\n")
        .append("| --- | --- | --- | --- | --- | --- |\n");
    for (Outcome o : outcomes) {
      text.append("| `")
          .append(o.column())
          .append("` | ")
          .append(o.sourceType())
          .append(" | ")
          .append(o.targetType() == null ? "(none)" : o.targetType())
          .append(" | ")
          .append(o.ordinaryEqual() ? "equal" : "differ")
          .append(" | ")
          .append(
              o.edgesEqual()
                  ? "equal"
                  : SINK_FAILS.containsKey(o.column()) ? "sink fails" : "differ")
          .append(" | ")
          .append(o.example() == null ? "" : "`" + o.example() + "`")
          .append(" |\n");
    }
    return text.toString();
  }
}
