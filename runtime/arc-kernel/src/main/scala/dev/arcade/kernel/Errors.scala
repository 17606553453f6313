package dev.arcade.kernel

/** Errors reported to Jupyter. The Jupyter `ename` is the exception's simple class name, `evalue` its message. */
sealed abstract class ArcKernelException(message: String, cause: Throwable = null) extends Exception(message, cause)

/** The cell did not parse as an Arc stage (HOCON syntax, missing/invalid attributes, invalid inline SQL...). */
final class ArcConfigError(message: String) extends ArcKernelException(message)

/** A stage parsed but failed while executing. */
final class ArcStageError(message: String, cause: Throwable) extends ArcKernelException(message, cause)

/** A `%magic` this kernel does not know, or bad magic arguments. */
final class ArcMagicError(message: String) extends ArcKernelException(message)

/** Anything else (Spark failed to start, unexpected JVM error...). */
final class ArcKernelError(message: String, cause: Throwable = null) extends ArcKernelException(message, cause)
