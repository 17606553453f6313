package dev.arcade.launch

import scala.collection.JavaConverters._
import scala.util.Try

import com.fasterxml.jackson.databind.ObjectMapper

/**
 * The main class of Arcade's Argo job template. Argo passes a notebook's job
 * parameters as one argument, `--arcade.vars=<JSON object>`, so that no value
 * ever travels through a shell; this turns each entry into exactly one Arc
 * argument `--NAME=value` (after checking the name) and runs Arc.
 */
object ArcJob {
  val VarsFlag = "--arcade.vars="

  private val VarName = "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$".r

  /** Arc's arguments, or why the job parameters cannot be used. */
  def arcArguments(args: Seq[String]): Either[String, Seq[String]] = {
    val (vars, others) = args.partition(_.startsWith(VarsFlag))
    if (vars.size > 1) {
      Left(s"${VarsFlag.dropRight(1)} is given ${vars.size} times")
    } else {
      vars.headOption.map(_.drop(VarsFlag.length)) match {
        case None => Right(others)
        case Some(json) => expand(json).map(others ++ _)
      }
    }
  }

  private def expand(json: String): Either[String, Seq[String]] = {
    val tree = Try(new ObjectMapper().readTree(json)).toOption
    tree match {
      case Some(node) if node != null && node.isObject =>
        val entries = node.fields().asScala.toSeq
        entries.find { e => VarName.findFirstIn(e.getKey).isEmpty || e.getKey.startsWith("etl.") } match {
          case Some(bad) => Left(s"job parameter name '${bad.getKey}' is not allowed (letters, digits, _ and dots; not etl.*)")
          case None =>
            entries.find(e => !e.getValue.isTextual) match {
              case Some(bad) => Left(s"job parameter '${bad.getKey}' must be a string")
              case None =>
                // Arc removes backslashes from its arguments and reads them as HOCON:
                // a quote or backslash would end the value's string early.
                entries.find(e => e.getValue.asText.exists(c => c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\u0000')) match {
                  case Some(bad) => Left(s"job parameter '${bad.getKey}' contains a quote, backslash or line break, which Arc cannot take")
                  case None => Right(entries.map(e => s"--${e.getKey}=${e.getValue.asText}"))
                }
            }
        }
      case _ => Left("job parameters must be a JSON object of names to strings")
    }
  }

  def main(args: Array[String]): Unit = {
    arcArguments(args.toSeq) match {
      case Left(problem) =>
        System.err.println(s"arcade: $problem")
        System.exit(2)
      case Right(arcArgs) =>
        ai.tripl.arc.ARC.main(arcArgs.toArray)
    }
  }
}
