package io.pgcdc.connector.source.record;

import io.pgcdc.connector.common.Closeables;
import io.pgcdc.connector.common.ConnectionSettings;
import io.pgcdc.connector.common.TableId;
import io.pgcdc.connector.source.PostgresSourceConfig;
import io.pgcdc.connector.source.catalog.Catalog;
import io.pgcdc.connector.types.TypeResolver;
import io.pgcdc.decoder.Relation;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The schemas of the captured tables: from Relation messages while streaming (a new Relation
 * message, sent after a column was added or dropped, replaces the schema from that change on), from
 * the catalog for the snapshot. Type names and keys come from the catalog, over a side connection
 * that is opened when first needed.
 */
public final class SchemaCache implements RelationSchemas, AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SchemaCache.class);
  private final ConnectionSettings settings;
  private final Set<TableId> captured;
  private final Map<TableId, List<String>> configuredKeys;
  private final TopicNamer topics;
  private final TypeResolver types;
  private final Map<Integer, TableSchema> byRelation = new HashMap<>();
  private Connection catalog;

  public SchemaCache(
      ConnectionSettings settings,
      Set<TableId> captured,
      Map<TableId, List<String>> configuredKeys,
      TopicNamer topics,
      TypeResolver types) {
    this.settings = settings;
    this.types = types;
    this.captured = captured;
    this.configuredKeys = configuredKeys;
    this.topics = topics;
  }

  @Override
  public TableSchema get(int relationId) {
    return byRelation.get(relationId);
  }

  @Override
  public void relation(Relation r) throws SQLException {
    TableId id = new TableId(r.namespace(), r.name());
    if (!captured.contains(id)) {
      log.warn(
          "Table {} is in the publication but not matched by {} (renamed, or added by hand):"
              + " its changes are not captured; list it there and restart the task to capture it",
          id,
          PostgresSourceConfig.TABLE_INCLUDE_LIST_CONFIG);
      byRelation.put(r.relationId(), null);
      return;
    }
    int n = r.columns().size();
    int[] oids = new int[n];
    int[] mods = new int[n];
    for (int i = 0; i < n; i++) {
      oids[i] = r.columns().get(i).typeOid();
      mods[i] = r.columns().get(i).typeModifier();
    }
    List<String> formats = Catalog.formatTypes(catalog(), oids, mods);
    List<TableSchema.Column> columns = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Relation.Column c = r.columns().get(i);
      columns.add(
          new TableSchema.Column(
              c.name(), c.typeOid(), types.forColumn(catalog(), c.typeOid(), formats.get(i))));
    }
    long relOid = Integer.toUnsignedLong(r.relationId());
    byRelation.put(r.relationId(), build(id, columns, keyNames(catalog(), id, relOid)));
  }

  /** The schema of a table for the snapshot, read in the snapshot's transaction. */
  public TableSchema forSnapshot(Connection c, TableId id, long relOid, int serverVersion)
      throws SQLException {
    List<TableSchema.Column> columns = new ArrayList<>();
    for (Catalog.ColumnInfo info : Catalog.columns(c, relOid, serverVersion)) {
      columns.add(
          new TableSchema.Column(
              info.name(), info.typeOid(), types.forColumn(c, info.typeOid(), info.pgType())));
    }
    return build(id, columns, keyNames(c, id, relOid));
  }

  private List<String> keyNames(Connection c, TableId id, long relOid) throws SQLException {
    List<String> configured = configuredKeys.get(id);
    return configured != null ? configured : Catalog.keyColumns(c, relOid);
  }

  private TableSchema build(TableId id, List<TableSchema.Column> columns, List<String> keys) {
    int[] keyIndexes = new int[keys.size()];
    for (int k = 0; k < keys.size(); k++) {
      keyIndexes[k] = -1;
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i).name().equals(keys.get(k))) {
          keyIndexes[k] = i;
        }
      }
      if (keyIndexes[k] < 0) {
        throw new ConnectException(
            "Table "
                + id
                + " has no column '"
                + keys.get(k)
                + "' named as a key column in "
                + PostgresSourceConfig.TABLE_KEY_COLUMNS_CONFIG
                + " (or by its primary key): fix the setting or the table");
      }
    }
    return new TableSchema(id, topics.topic(id), columns, keyIndexes, Envelope.SOURCE_SCHEMA);
  }

  private Connection catalog() throws SQLException {
    if (catalog == null || catalog.isClosed()) {
      catalog = settings.open();
      catalog.setAutoCommit(true);
    }
    return catalog;
  }

  @Override
  public void close() {
    Closeables.closeQuietly(catalog); // of no further use either way
    catalog = null;
  }
}
