package ai.tripl.arc.extract

import scala.util.Try

import com.typesafe.config.Config
import io.delta.tables.DeltaTable
import org.apache.spark.sql._
import org.apache.spark.sql.types.StructType

import ai.tripl.arc.api.API._
import ai.tripl.arc.config.Error._
import ai.tripl.arc.util.CloudUtils
import ai.tripl.arc.util.DetailException
import ai.tripl.arc.util.EitherUtils._
import ai.tripl.arc.util.ExtractUtils

import dev.arcade.delta.{DeltaStagePlugin, DeltaSupport}

/** Arcade's DeltaLakeExtract: reads a Delta Lake table (optionally time travelled) into a view.
  *
  * Same stage type and keys as tripl-ai's arc-deltalake-pipeline-plugin, implemented for Arc 3.7.0.
  */
class DeltaLakeExtract extends DeltaStagePlugin {

  def snippet()(implicit arcContext: ARCContext): String = {
    s"""{
    |  "type": "DeltaLakeExtract",
    |  "name": "DeltaLakeExtract",
    |  "environments": [${arcContext.completionEnvironments.map { env => s""""${env}"""" }.mkString(", ")}],
    |  "inputURI": "hdfs://*.delta",
    |  "outputView": "outputView"
    |}""".stripMargin
  }

  val documentationURI = new java.net.URI(s"${baseURI}/extract/#deltalakeextract")

  val expectedKeys: List[String] = "type" :: "id" :: "name" :: "description" :: "environments" :: "inputURI" ::
    "outputView" :: "numPartitions" :: "partitionBy" :: "persist" :: "options" :: "authentication" :: "params" ::
    "schemaURI" :: "schemaView" :: Nil

  val timeTravelKeys: List[String] = "relativeVersion" :: "timestampAsOf" :: "versionAsOf" :: "canReturnLastCommit" :: Nil

  def instantiate(index: Int, config: Config)(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Either[List[StageError], PipelineStage] = {
    import ai.tripl.arc.config.ConfigReader._
    import ai.tripl.arc.config.ConfigUtils._
    implicit val c: Config = config

    val common = readCommonOptions()
    val input = getValue[String]("inputURI") |> checkInputURI("inputURI") _
    val outputView = getValue[String]("outputView")
    val persist = getValue[java.lang.Boolean]("persist", default = Some(false))
    val timeTravel = readTimeTravel(c)
    val extractColumns = if (c.hasPath("schemaURI")) getValue[String]("schemaURI") |> parseURI("schemaURI") _ |> textContentForURI("schemaURI", common.authentication) |> getExtractColumns("schemaURI") _ else Right(List.empty)
    val schemaView = if (c.hasPath("schemaView")) getValue[String]("schemaView") else Right("")
    val invalidKeys = checkKeys()

    (common.values, input, outputView, persist, timeTravel, extractColumns, schemaView, invalidKeys) match {
      case (Some(shared), Right(input), Right(outputView), Right(persist), Right(timeTravel), Right(extractColumns), Right(schemaView), Right(_)) =>
        val schema: Either[String, List[ExtractColumn]] = if (c.hasPath("schemaView")) Left(schemaView) else Right(extractColumns)

        val stage = DeltaLakeExtractStage(
          plugin = this,
          id = shared.id,
          name = shared.name,
          description = shared.description,
          input = input,
          outputView = outputView,
          authentication = shared.authentication,
          params = shared.params,
          persist = persist,
          numPartitions = shared.numPartitions,
          partitionBy = shared.partitionBy,
          timeTravel = timeTravel,
          schema = schema
        )

        shared.putDetail(stage.stageDetail)
        stage.stageDetail.put("input", input)
        stage.stageDetail.put("outputView", outputView)
        stage.stageDetail.put("persist", java.lang.Boolean.valueOf(persist))
        timeTravel.foreach { tt => stage.stageDetail.put("options", tt.toDetail) }

        Right(stage)
      case _ =>
        invalidStage(index, common.name, common.id, common.name, common.description, input, outputView, persist, common.numPartitions, common.partitionBy, common.authentication, timeTravel, extractColumns, schemaView, invalidKeys)
    }
  }

  /** A Delta table path is a directory, not a glob: checked here rather than with Arc's parseGlob, which calls
    * Hadoop's GlobPattern.compile (its signature differs between Hadoop 3.2, which Arc 3.7.0 was built on, and the
    * shaded Hadoop 3.3 client Spark 3.3 ships with). */
  def checkInputURI(path: String)(uri: String)(implicit spark: SparkSession, c: Config): Either[Errors, String] = {
    val line = Try(c.getValue(path).origin.lineNumber).toOption.filter(_ > 0)
    val trimmed = uri.trim
    val isLocalMaster = spark.sparkContext.master.toLowerCase.startsWith("local")
    if (trimmed.isEmpty) {
      Left(ConfigError(path, line, s"'$path' must not be empty.") :: Nil)
    } else if (isLocalMaster && (trimmed.startsWith("s3://") || trimmed.startsWith("s3n://"))) {
      Left(ConfigError(path, line, "s3:// and s3n:// are no longer supported. Please use s3a:// instead.") :: Nil)
    } else {
      Try(new org.apache.hadoop.fs.Path(trimmed)).toEither match {
        case Right(_) => Right(trimmed)
        case Left(e) => Left(ConfigError(path, line, e.getMessage) :: Nil)
      }
    }
  }

  /** Reads the time travel settings under `options`: one of relativeVersion / timestampAsOf / versionAsOf,
    * plus canReturnLastCommit (with relativeVersion or timestampAsOf). */
  def readTimeTravel(c: Config): Either[Errors, Option[TimeTravel]] = {
    val path = "options"
    if (!c.hasPath(path)) return Right(None)
    val line = Option(c.getValue(path).origin.lineNumber).filter(_ > 0)
    def err(msg: String): Either[Errors, Option[TimeTravel]] = Left(ConfigError(path, line, msg) :: Nil)

    DeltaSupport.checkNestedKeys(c, path, timeTravelKeys) match {
      case Left(errors) => Left(errors)
      case Right(_) =>
        try {
          val o = c.getConfig(path)
          val relativeVersion = if (o.hasPath("relativeVersion")) Some(o.getInt("relativeVersion")) else None
          val timestampAsOf = if (o.hasPath("timestampAsOf")) Some(o.getString("timestampAsOf")) else None
          val versionAsOf = if (o.hasPath("versionAsOf")) Some(o.getLong("versionAsOf")) else None
          val canReturnLastCommit = if (o.hasPath("canReturnLastCommit")) Some(o.getBoolean("canReturnLastCommit")) else None
          val set = List(relativeVersion, timestampAsOf, versionAsOf).count(_.isDefined)
          if (set > 1) {
            err(s"""Only one of ${List("relativeVersion", "timestampAsOf", "versionAsOf").mkString("['", "', '", "']")} can be set for time travel.""")
          } else if (relativeVersion.exists(_ > 0)) {
            err("relativeVersion must be less than or equal to zero.")
          } else if (versionAsOf.exists(_ < 0)) {
            err("versionAsOf must be greater than or equal to zero.")
          } else if (canReturnLastCommit.isDefined && versionAsOf.isDefined) {
            err("canReturnLastCommit can only be used with relativeVersion or timestampAsOf.")
          } else if (set == 0) {
            if (canReturnLastCommit.isDefined) err("canReturnLastCommit can only be used with relativeVersion or timestampAsOf.") else Right(None)
          } else {
            Right(Some(TimeTravel(relativeVersion, timestampAsOf, canReturnLastCommit, versionAsOf)))
          }
        } catch {
          case e: Exception => err(s"Unable to read config value: ${e.getMessage}")
        }
    }
  }
}

case class TimeTravel(
  relativeVersion: Option[Int],
  timestampAsOf: Option[String],
  canReturnLastCommit: Option[Boolean],
  versionAsOf: Option[Long]
) {
  def toDetail: java.util.Map[String, Object] = {
    val m = new java.util.HashMap[String, Object]()
    relativeVersion.foreach { v => m.put("relativeVersion", java.lang.Long.valueOf(v.toLong)) }
    timestampAsOf.foreach { v => m.put("timestampAsOf", v) }
    canReturnLastCommit.foreach { v => m.put("canReturnLastCommit", java.lang.Boolean.valueOf(v)) }
    versionAsOf.foreach { v => m.put("versionAsOf", java.lang.Long.valueOf(v)) }
    m
  }
}

case class DeltaLakeExtractStage(
    plugin: DeltaLakeExtract,
    id: Option[String],
    name: String,
    description: Option[String],
    input: String,
    outputView: String,
    authentication: Option[Authentication],
    params: Map[String, String],
    persist: Boolean,
    numPartitions: Option[Int],
    partitionBy: List[String],
    timeTravel: Option[TimeTravel],
    schema: Either[String, List[ExtractColumn]]
  ) extends ExtractPipelineStage {

  override def execute()(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Option[DataFrame] = {
    DeltaLakeExtractStage.execute(this)
  }
}

object DeltaLakeExtractStage {

  private def fail(stage: DeltaLakeExtractStage, e: Throwable): Nothing = {
    throw new Exception(e) with DetailException {
      override val detail = stage.stageDetail
    }
  }

  /** Works out the version to read (None = latest) and logs the commit that will be read. */
  private def resolveVersion(stage: DeltaLakeExtractStage, tt: TimeTravel)(implicit spark: SparkSession): Option[Long] = {
    val commits = DeltaSupport.history(spark, stage.input) // newest first
    if (commits.isEmpty) throw new Exception(s"No commits found in Delta table '${stage.input}'.")
    val versions = commits.map(_.getAs[Long]("version"))
    val (minVersion, maxVersion) = (versions.min, versions.max)
    val canReturnLastCommit = tt.canReturnLastCommit.getOrElse(false)

    val chosen: Long = (tt.versionAsOf, tt.relativeVersion, tt.timestampAsOf) match {
      case (Some(v), _, _) =>
        if (v < minVersion || v > maxVersion) throw new Exception(s"Cannot time travel Delta table to version $v. Available versions: [$minVersion, $maxVersion].")
        v
      case (_, Some(rel), _) =>
        val target = maxVersion + rel
        if (target >= minVersion) target
        else if (canReturnLastCommit) minVersion
        else throw new Exception(s"Cannot time travel Delta table to version $rel. Available versions: [-${maxVersion - minVersion} ... 0].")
      case (_, _, Some(ts)) =>
        val at = Try(java.sql.Timestamp.valueOf(ts)).orElse(Try(java.sql.Timestamp.from(java.time.OffsetDateTime.parse(ts).toInstant)))
          .getOrElse(throw new Exception(s"Cannot parse timestampAsOf '$ts': expected 'yyyy-MM-dd HH:mm:ss[.fff]' or an ISO-8601 timestamp with offset."))
        val atOrBefore = commits.filter(r => !r.getAs[java.sql.Timestamp]("timestamp").after(at))
        if (atOrBefore.nonEmpty) {
          atOrBefore.map(_.getAs[Long]("version")).max
        } else if (canReturnLastCommit) {
          minVersion
        } else {
          val earliest = commits.minBy(_.getAs[Long]("version")).getAs[java.sql.Timestamp]("timestamp")
          throw new Exception(s"The provided timestamp '$ts' is before the earliest version available to this table (${DeltaSupport.formatTimestamp(earliest)}).")
        }
      case _ => maxVersion
    }
    commits.find(_.getAs[Long]("version") == chosen).foreach { r => stage.stageDetail.put("commit", DeltaSupport.commitDetail(r)) }
    Some(chosen)
  }

  def execute(stage: DeltaLakeExtractStage)(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Option[DataFrame] = {

    val optionSchema: Option[StructType] = try {
      ExtractUtils.getSchema(stage.schema)(spark, logger)
    } catch {
      case e: Exception => fail(stage, e)
    }

    CloudUtils.setHadoopConfiguration(stage.authentication)

    val df = try {
      if (arcContext.isStreaming) {
        spark.readStream.format("delta").load(stage.input)
      } else if (!DeltaTable.isDeltaTable(spark, stage.input)) {
        // no table (yet): an empty dataset when a schema is given, like Arc's file extracts
        optionSchema match {
          case Some(schema) =>
            stage.stageDetail.put("records", java.lang.Integer.valueOf(0))
            spark.createDataFrame(spark.sparkContext.emptyRDD[Row], schema)
          case None =>
            throw new Exception(s"'${stage.input}' is not a Delta table (no _delta_log) and no 'schemaURI' or 'schemaView' was provided to create an empty dataset.")
        }
      } else {
        stage.timeTravel match {
          case Some(tt) =>
            val version = resolveVersion(stage, tt)
            val reader = version.foldLeft(spark.read.format("delta")) { (r, v) => r.option("versionAsOf", v) }
            reader.load(stage.input)
          case None =>
            stage.stageDetail.put("commit", DeltaSupport.latestCommit(spark, stage.input))
            spark.read.format("delta").load(stage.input)
        }
      }
    } catch {
      case e: Exception with DetailException => throw e
      case e: Exception => fail(stage, e)
    }

    val repartitionedDF = try {
      DeltaSupport.repartition(df, stage.partitionBy, stage.numPartitions)
    } catch {
      case e: Exception => fail(stage, e)
    }

    if (arcContext.immutableViews) repartitionedDF.createTempView(stage.outputView) else repartitionedDF.createOrReplaceTempView(stage.outputView)

    if (!repartitionedDF.isStreaming) {
      stage.stageDetail.put("inputFiles", Integer.valueOf(repartitionedDF.inputFiles.length))
      stage.stageDetail.put("outputColumns", Integer.valueOf(repartitionedDF.schema.length))
      stage.stageDetail.put("numPartitions", Integer.valueOf(repartitionedDF.rdd.partitions.length))

      if (stage.persist) {
        spark.catalog.cacheTable(stage.outputView, arcContext.storageLevel)
        stage.stageDetail.put("records", java.lang.Long.valueOf(repartitionedDF.count))
      }
    }

    Option(repartitionedDF)
  }
}
