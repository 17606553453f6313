package dev.arcade.delta

import java.time.{Instant, ZoneId}
import java.time.format.DateTimeFormatter

import scala.collection.JavaConverters._
import scala.util.Try

import com.typesafe.config.Config
import io.delta.tables.DeltaTable
import org.apache.spark.sql.{DataFrame, Row, SparkSession}
import org.apache.spark.sql.types.NullType

import ai.tripl.arc.api.API.ARCContext
import ai.tripl.arc.config.ConfigUtils
import ai.tripl.arc.config.Error._

/** Helpers shared by Arcade's Delta Lake stages (DeltaLakeExtract, DeltaLakeLoad, DeltaLakeMergeLoad). */
object DeltaSupport {

  /** The plugin version, written into arcade-arc-delta.properties by the Maven build. */
  lazy val pluginVersion: String = {
    val props = new java.util.Properties()
    Option(getClass.getResourceAsStream("/arcade-arc-delta.properties")).foreach { in =>
      try props.load(in) finally in.close()
    }
    Option(props.getProperty("version")).filterNot(_.contains("$")).getOrElse("unknown")
  }

  /** Validates the keys of a nested object (e.g. `whenMatchedUpdate`) with Arc's own check, so an unknown
    * key gets Arc's usual "Invalid attribute" error, reported with its full path (`whenMatchedUpdate.valuez`). */
  def checkNestedKeys(c: Config, path: String, expectedKeys: Seq[String]): Either[Errors, String] = {
    if (!c.hasPath(path)) {
      Right("")
    } else {
      Try(c.getConfig(path)).toEither match {
        case Left(_) =>
          Left(ConfigError(path, Some(c.getValue(path).origin.lineNumber), s"Expected '$path' to be an object.") :: Nil)
        case Right(nested) =>
          ConfigUtils.checkValidKeys(nested)(expectedKeys) match {
            case Right(ok) => Right(ok)
            case Left(errors) =>
              Left(errors.map { e =>
                ConfigError(s"$path.${e.path}", e.lineNumber, e.message.replace(s"'${e.path}'", s"'$path.${e.path}'"))
              })
          }
      }
    }
  }

  /** Delta cannot store NullType columns: drop them when Arc's `dropUnsupported` allows it, else fail. */
  def dropNullTypes(df: DataFrame, stageType: String, inputView: String, stageDetail: collection.mutable.Map[String, Object])(implicit arcContext: ARCContext): DataFrame = {
    val nulls = df.schema.filter(_.dataType == NullType).map(_.name)
    if (nulls.isEmpty) {
      df
    } else {
      val dropMap = new java.util.HashMap[String, Object]()
      dropMap.put("NullType", nulls.asJava)
      if (arcContext.dropUnsupported) {
        stageDetail.put("drop", dropMap)
        df.drop(nulls: _*)
      } else {
        val json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(dropMap)
        throw new Exception(s"inputView '$inputView' contains types $json which are unsupported by $stageType and 'dropUnsupported' is set to false.")
      }
    }
  }

  /** Repartitions by `partitionBy` columns and/or into `numPartitions` partitions, as Arc's own stages do. */
  def repartition(df: DataFrame, partitionBy: List[String], numPartitions: Option[Int]): DataFrame =
    (partitionBy, numPartitions) match {
      case (Nil, Some(n)) => df.repartition(n)
      case (Nil, None) => df
      case (cols, Some(n)) => df.repartition(n, cols.map(df(_)): _*)
      case (cols, None) => df.repartition(cols.map(df(_)): _*)
    }

  def formatTimestamp(ts: java.sql.Timestamp): String =
    Instant.ofEpochMilli(ts.getTime).atZone(ZoneId.systemDefault).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)

  /** One row of a Delta table's history as a map for Arc's JSON log (version, timestamp, operation, metrics). */
  def commitDetail(row: Row): java.util.Map[String, Object] = {
    val commit = new java.util.LinkedHashMap[String, Object]()
    commit.put("version", java.lang.Long.valueOf(row.getAs[Long]("version")))
    Option(row.getAs[java.sql.Timestamp]("timestamp")).foreach { ts => commit.put("timestamp", formatTimestamp(ts)) }
    Option(row.getAs[String]("operation")).foreach { op => commit.put("operation", op) }
    Option(row.getAs[scala.collection.Map[String, String]]("operationMetrics")).foreach { metrics =>
      val m = new java.util.TreeMap[String, Object]()
      metrics.foreach { case (k, v) => m.put(k, Try(java.lang.Long.valueOf(v.toLong): Object).getOrElse(v)) }
      commit.put("operationMetrics", m)
    }
    commit
  }

  /** The table's commits, newest first: (version, timestamp, row). */
  def history(spark: SparkSession, path: String, limit: Option[Int] = None): Seq[Row] = {
    val table = DeltaTable.forPath(spark, path)
    val df = limit match {
      case Some(n) => table.history(n)
      case None => table.history()
    }
    df.select("version", "timestamp", "operation", "operationMetrics").collect().toSeq.sortBy(r => -r.getAs[Long]("version"))
  }

  /** The latest commit of the table at `path`, for the stage's log. */
  def latestCommit(spark: SparkSession, path: String): java.util.Map[String, Object] =
    history(spark, path, Some(1)).headOption.map(commitDetail).getOrElse(new java.util.HashMap[String, Object]())
}
