package io.pgcdc.it.pg;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test a real PostgreSQL server with {@code wal_level=logical}: declare a {@link
 * PostgresServer} parameter on a constructor, a test method or a {@code @BeforeAll} method. One
 * server is started per test JVM and reused by every test class; it is stopped when the JVM exits.
 * See {@link PostgresServer} for how the server is chosen.
 */
public final class PostgresExtension implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    return parameter.getParameter().getType() == PostgresServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    return PostgresServer.shared();
  }
}
