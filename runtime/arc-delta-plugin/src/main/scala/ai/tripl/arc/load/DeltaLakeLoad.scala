package ai.tripl.arc.load

import java.net.URI

import scala.collection.JavaConverters._

import com.typesafe.config.Config
import io.delta.tables.DeltaTable
import org.apache.spark.sql._

import ai.tripl.arc.api.API._
import ai.tripl.arc.config.Error._
import ai.tripl.arc.util.CloudUtils
import ai.tripl.arc.util.DetailException
import ai.tripl.arc.util.EitherUtils._

import dev.arcade.delta.{DeltaStagePlugin, DeltaSupport}

/** Arcade's DeltaLakeLoad: writes a view to a Delta Lake table.
  *
  * Same stage type and keys as tripl-ai's arc-deltalake-pipeline-plugin, implemented for Arc 3.7.0.
  */
class DeltaLakeLoad extends DeltaStagePlugin {

  def snippet()(implicit arcContext: ARCContext): String = {
    s"""{
    |  "type": "DeltaLakeLoad",
    |  "name": "DeltaLakeLoad",
    |  "environments": [${arcContext.completionEnvironments.map { env => s""""${env}"""" }.mkString(", ")}],
    |  "inputView": "inputView",
    |  "outputURI": "hdfs://*.delta"
    |}""".stripMargin
  }

  val documentationURI = new java.net.URI(s"${baseURI}/load/#deltalakeload")

  val expectedKeys: List[String] = "type" :: "id" :: "name" :: "description" :: "environments" :: "inputView" ::
    "outputURI" :: "authentication" :: "numPartitions" :: "partitionBy" :: "saveMode" :: "replaceWhere" ::
    "mergeSchema" :: "overwriteSchema" :: "outputMode" :: "checkpointLocation" :: "params" :: "options" ::
    "generateSymlinkManifest" :: Nil

  def instantiate(index: Int, config: Config)(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Either[List[StageError], PipelineStage] = {
    import ai.tripl.arc.config.ConfigReader._
    import ai.tripl.arc.config.ConfigUtils._
    implicit val c: Config = config

    val common = readCommonOptions()
    val inputView = readInputView()
    val outputURI = readOutputURI()
    val saveMode = getValue[String]("saveMode", default = Some("Overwrite"), validValues = "Append" :: "ErrorIfExists" :: "Ignore" :: "Overwrite" :: Nil) |> parseSaveMode("saveMode") _
    val outputMode = getValue[String]("outputMode", default = Some("Append"), validValues = "Append" :: "Complete" :: "Update" :: Nil) |> parseOutputModeType("outputMode") _
    val replaceWhere = getOptionalValue[String]("replaceWhere")
    val mergeSchema = getOptionalValue[java.lang.Boolean]("mergeSchema")
    val overwriteSchema = getOptionalValue[java.lang.Boolean]("overwriteSchema")
    val checkpointLocation = getOptionalValue[String]("checkpointLocation")
    val generateSymlinkManifest = readGenerateSymlinkManifest()
    val invalidKeys = checkKeys()

    (common.values, inputView, outputURI, saveMode, outputMode, replaceWhere, mergeSchema, overwriteSchema, checkpointLocation, generateSymlinkManifest, invalidKeys) match {
      case (Some(shared), Right(inputView), Right(outputURI), Right(saveMode), Right(outputMode), Right(replaceWhere), Right(mergeSchema), Right(overwriteSchema), Right(checkpointLocation), Right(generateSymlinkManifest), Right(_)) =>

        // Delta writer options: `options` first, then the dedicated keys; overwriteSchema defaults to true
        // (as in the original plugin) so an Overwrite can change the table's schema.
        val userOptions = readMap("options", c)
        val options = userOptions ++
          Map("overwriteSchema" -> overwriteSchema.map(_.toString).getOrElse(userOptions.getOrElse("overwriteSchema", "true"))) ++
          mergeSchema.map(v => "mergeSchema" -> v.toString) ++
          replaceWhere.map(v => "replaceWhere" -> v) ++
          checkpointLocation.map(v => "checkpointLocation" -> v)

        val stage = DeltaLakeLoadStage(
          plugin = this,
          id = shared.id,
          name = shared.name,
          description = shared.description,
          inputView = inputView,
          outputURI = outputURI,
          partitionBy = shared.partitionBy,
          numPartitions = shared.numPartitions,
          authentication = shared.authentication,
          saveMode = saveMode,
          outputMode = outputMode,
          options = options,
          generateSymlinkManifest = generateSymlinkManifest,
          params = shared.params
        )

        shared.putDetail(stage.stageDetail)
        stage.stageDetail.put("inputView", inputView)
        stage.stageDetail.put("outputURI", outputURI.toString)
        stage.stageDetail.put("saveMode", saveMode.toString.toLowerCase)
        stage.stageDetail.put("options", options.asJava)
        stage.stageDetail.put("generateSymlinkManifest", java.lang.Boolean.valueOf(generateSymlinkManifest))

        Right(stage)
      case _ =>
        invalidStage(index, common.name, common.id, common.name, common.description, inputView, outputURI, common.partitionBy, common.numPartitions, common.authentication, saveMode, outputMode, replaceWhere, mergeSchema, overwriteSchema, checkpointLocation, generateSymlinkManifest, invalidKeys)
    }
  }
}

case class DeltaLakeLoadStage(
    plugin: DeltaLakeLoad,
    id: Option[String],
    name: String,
    description: Option[String],
    inputView: String,
    outputURI: URI,
    partitionBy: List[String],
    numPartitions: Option[Int],
    authentication: Option[Authentication],
    saveMode: SaveMode,
    outputMode: OutputModeType,
    options: Map[String, String],
    generateSymlinkManifest: Boolean,
    params: Map[String, String]
  ) extends LoadPipelineStage {

  override def execute()(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Option[DataFrame] = {
    DeltaLakeLoadStage.execute(this)
  }
}

object DeltaLakeLoadStage {

  def execute(stage: DeltaLakeLoadStage)(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Option[DataFrame] = {
    val path = stage.outputURI.toString

    try {
      val df = spark.table(stage.inputView)
      CloudUtils.setHadoopConfiguration(stage.authentication)
      val nonNullDF = DeltaSupport.dropNullTypes(df, "DeltaLakeLoad", stage.inputView, stage.stageDetail)

      if (nonNullDF.isStreaming) {
        val writer = nonNullDF.writeStream.format("delta").outputMode(stage.outputMode.sparkString).options(stage.options)
        val partitioned = if (stage.partitionBy.isEmpty) writer else writer.partitionBy(stage.partitionBy: _*)
        partitioned.start(path)
      } else {
        if (stage.numPartitions.isEmpty) {
          stage.stageDetail.put("numPartitions", Integer.valueOf(nonNullDF.rdd.getNumPartitions))
        }
        val repartitioned = DeltaSupport.repartition(nonNullDF, stage.partitionBy, stage.numPartitions)
        val writer = repartitioned.write.format("delta").mode(stage.saveMode).options(stage.options)
        val partitioned = if (stage.partitionBy.isEmpty) writer else writer.partitionBy(stage.partitionBy: _*)
        partitioned.save(path)

        // a symlink manifest lets Presto/Athena read the table
        if (stage.generateSymlinkManifest) {
          DeltaTable.forPath(spark, path).generate("symlink_format_manifest")
        }

        stage.stageDetail.put("commit", DeltaSupport.latestCommit(spark, path))
      }

      Option(nonNullDF)
    } catch {
      case e: Exception with DetailException => throw e
      case e: Exception => throw new Exception(e) with DetailException {
        override val detail = stage.stageDetail
      }
    }
  }
}
