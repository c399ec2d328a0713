package io.pgcdc.it.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A plugin folder made of test classes, for {@link OwnConnectCluster#testPlugins()}: each class
 * (with its nested classes) is copied from the test classes into one plugin, declared in its {@code
 * META-INF/services} file, as the worker's {@code plugin.discovery=service_load} needs. The classes
 * may use Kafka's API only: the worker's classpath has nothing else of ours.
 */
final class TestPlugins {
  /** The plugin interfaces a test plugin may implement, each with its service file. */
  private static final List<String> SERVICES =
      List.of(
          "org.apache.kafka.connect.source.SourceConnector",
          "org.apache.kafka.connect.sink.SinkConnector",
          "org.apache.kafka.common.config.provider.ConfigProvider");

  private TestPlugins() {}

  /**
   * Writes {@code dir/test-plugins/PLUGIN/} with the given classes and returns {@code
   * dir/test-plugins}, a folder for the worker's {@code plugin.path}.
   */
  static Path write(Path dir, String plugin, List<Class<?>> classes) {
    Path root = dir.resolve("test-plugins");
    Path folder = root.resolve(plugin);
    Map<String, List<String>> services = new LinkedHashMap<>();
    try {
      Files.createDirectories(folder);
      for (Class<?> type : classes) {
        copyClassFiles(type, folder);
        String service = serviceOf(type);
        services.computeIfAbsent(service, s -> new ArrayList<>()).add(type.getName());
      }
      Path meta = Files.createDirectories(folder.resolve("META-INF/services"));
      for (Map.Entry<String, List<String>> e : services.entrySet()) {
        Files.write(meta.resolve(e.getKey()), e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the test plugin " + folder, e);
    }
    return root;
  }

  private static String serviceOf(Class<?> type) {
    for (String service : SERVICES) {
      for (Class<?> c = type; c != null; c = c.getSuperclass()) {
        if (c.getName().equals(service) || implementsNamed(c, service)) {
          return service;
        }
      }
    }
    throw new IllegalArgumentException(
        type.getName() + " is none of " + SERVICES + ": not a plugin the worker can load");
  }

  private static boolean implementsNamed(Class<?> type, String name) {
    for (Class<?> i : type.getInterfaces()) {
      if (i.getName().equals(name) || implementsNamed(i, name)) {
        return true;
      }
    }
    return false;
  }

  /** The class file of {@code type} and those of its nested and anonymous classes. */
  private static void copyClassFiles(Class<?> type, Path folder) throws IOException {
    Path classes;
    try {
      classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("where is " + type.getName() + " loaded from?", e);
    }
    String packagePath = type.getPackageName().replace('.', '/');
    Path source = classes.resolve(packagePath);
    Path target = Files.createDirectories(folder.resolve(packagePath));
    String outer = type.getSimpleName();
    try (Stream<Path> files = Files.list(source)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.equals(outer + ".class") || name.startsWith(outer + "$")) {
          Files.copy(file, target.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
