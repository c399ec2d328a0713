package io.pgcdc.connector.sink.write;

import io.pgcdc.connector.common.Identifiers;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.sink.change.ColumnSpec;
import io.pgcdc.connector.sink.change.RowChange;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates missing target tables and adds missing columns (auto.create, auto.evolve). Never drops or
 * narrows. Each change is committed at once, so that it holds even when the batch fails later.
 */
final class SchemaChanges {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaChanges.class);

  private SchemaChanges() {}

  /**
   * Creates the table with every column that the changes carry (in order of appearance) and the key
   * columns of the first change with a key as its primary key.
   */
  static void createTable(Connection connection, TableId table, List<RowChange> changes)
      throws SQLException {
    Map<String, String> columns = columnTypes(changes);
    List<String> key = List.of();
    for (RowChange change : changes) {
      if (change.keyCount() > 0) {
        key =
            change.columns().subList(0, change.keyCount()).stream().map(ColumnSpec::name).toList();
        break;
      }
    }
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(table.quoted());
    sql.append(" (");
    boolean first = true;
    for (Map.Entry<String, String> column : columns.entrySet()) {
      if (!first) {
        sql.append(", ");
      }
      first = false;
      sql.append(Identifiers.quote(column.getKey())).append(' ').append(column.getValue());
      if (key.contains(column.getKey())) {
        sql.append(" NOT NULL");
      }
    }
    if (!key.isEmpty()) {
      sql.append(", PRIMARY KEY (");
      sql.append(String.join(", ", key.stream().map(Identifiers::quote).toList()));
      sql.append(')');
    }
    sql.append(')');
    execute(connection, table, sql.toString());
    LOG.info("Created table {}: {}", table, sql);
  }

  /** Adds the named columns, nullable, typed from the first change that carries each. */
  static void addColumns(
      Connection connection, TableId table, List<String> missing, List<RowChange> changes)
      throws SQLException {
    Map<String, String> types = columnTypes(changes);
    List<String> clauses = new ArrayList<>();
    for (String name : missing) {
      clauses.add("ADD COLUMN IF NOT EXISTS " + Identifiers.quote(name) + " " + types.get(name));
    }
    String sql = "ALTER TABLE " + table.quoted() + " " + String.join(", ", clauses);
    execute(connection, table, sql);
    LOG.info("Added columns to {}: {}", table, sql);
  }

  private static void execute(Connection connection, TableId table, String sql)
      throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(sql);
      connection.commit();
    } catch (SQLException e) {
      rollbackQuietly(connection, e);
      throw e;
    }
  }

  static void rollbackQuietly(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }

  /** Each column's type for DDL, from the first change that carries a non-null value. */
  private static Map<String, String> columnTypes(List<RowChange> changes) {
    Map<String, ColumnSpec> specs = new LinkedHashMap<>();
    Map<String, Object> samples = new LinkedHashMap<>();
    for (RowChange change : changes) {
      for (int i = 0; i < change.columns().size(); i++) {
        ColumnSpec spec = change.columns().get(i);
        specs.putIfAbsent(spec.name(), spec);
        if (change.values()[i] != null) {
          samples.putIfAbsent(spec.name(), change.values()[i]);
        }
      }
    }
    Map<String, String> types = new LinkedHashMap<>();
    for (Map.Entry<String, ColumnSpec> e : specs.entrySet()) {
      ColumnSpec spec = e.getValue();
      if (spec.pgType() != null && !ColumnTypes.isTypeText(spec.pgType())) {
        LOG.warn(
            "Column {} declares the type '{}', which is not a plain type name; using one derived"
                + " from its schema instead",
            spec.name(),
            spec.pgType());
      }
      types.put(e.getKey(), ColumnTypes.forNewColumn(spec, samples.get(e.getKey())));
    }
    return types;
  }
}
