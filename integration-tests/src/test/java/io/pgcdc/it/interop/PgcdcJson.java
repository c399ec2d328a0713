package io.pgcdc.it.interop;

import io.pgcdc.it.kafka.ItEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.connect.storage.Converter;

/**
 * pgcdc's {@code io.pgcdc.connector.json.JsonConverter} in the test JVM, loaded as the worker loads
 * it: by name, from the jars of the unpacked plugin folder (the test classpath does not have
 * pgcdc), in a class loader whose parent gives it the Connect API of this JVM.
 */
final class PgcdcJson {
  static final String CLASS_NAME = "io.pgcdc.connector.json.JsonConverter";
  private static ClassLoader loader;

  private PgcdcJson() {}

  /** A converter with schemas enabled, configured for keys or for values. */
  static Converter converter(boolean isKey) {
    Converter converter;
    try {
      converter =
          Class.forName(CLASS_NAME, true, pluginLoader())
              .asSubclass(Converter.class)
              .getConstructor()
              .newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot load " + CLASS_NAME + " from the pgcdc plugin", e);
    }
    converter.configure(Map.of("schemas.enable", "true"), isKey);
    return converter;
  }

  private static synchronized ClassLoader pluginLoader() {
    if (loader == null) {
      Path lib =
          ItEnvironment.pluginDir()
              .resolve("pgcdc-connector-" + ItEnvironment.projectVersion())
              .resolve("lib");
      List<URL> jars = new ArrayList<>();
      try (Stream<Path> files = Files.list(lib)) {
        for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
          jars.add(jar.toUri().toURL());
        }
      } catch (MalformedURLException e) {
        throw new IllegalStateException(e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + lib, e);
      }
      loader = new URLClassLoader(jars.toArray(URL[]::new), PgcdcJson.class.getClassLoader());
    }
    return loader;
  }
}
