package dev.arcade.kernel

import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Paths}

import io.github.spencerpark.jupyter.channels.JupyterConnection
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties

/** `java ... dev.arcade.kernel.ArcKernelMain --connection-file=<path>` (or the path as the only argument). */
object ArcKernelMain {
  def main(args: Array[String]): Unit = {
    val file = args.collectFirst {
      case a if a.startsWith("--connection-file=") => a.stripPrefix("--connection-file=")
      case a if a.startsWith("--connection=") => a.stripPrefix("--connection=")
      case a if !a.startsWith("-") => a
    }.getOrElse {
      System.err.println("usage: ArcKernelMain --connection-file=<jupyter connection file>")
      sys.exit(2)
    }
    val props = KernelConnectionProperties.parse(new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.UTF_8))
    val connection = new JupyterConnection(props)
    val kernel = new ArcKernel()
    kernel.becomeHandlerForConnection(connection)
    connection.connect()
    connection.waitUntilClose()
    // Spark is stopped in onShutdown; make sure no non-daemon thread keeps the JVM alive
    sys.exit(0)
  }
}
