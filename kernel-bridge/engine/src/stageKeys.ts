/**
 * The keys Arc 3.7.0 accepts per stage type (each stage's `expectedKeys`,
 * checked by `checkValidKeys`) and the ones it requires (a `getValue`
 * without default), plus the Delta Lake plugin's stages. `oneOf` lists
 * alternatives of which one must be given (e.g. `inputURI` or `sql`).
 */
export interface StageKeys {
  allowed: ReadonlySet<string>;
  required: readonly string[];
  oneOf: readonly (readonly string[])[];
}

const COMMON = 'type id name description environments params';

function keys(allowed: string, required = '', ...oneOf: string[]): StageKeys {
  const words = (text: string): string[] => text.split(' ').filter(Boolean);
  return {
    allowed: new Set(words(`${COMMON} ${allowed}`)),
    required: ['name', ...words(required)],
    oneOf: oneOf.map(words)
  };
}

const SQL_SOURCE = 'inputURI sql';
const FILE_EXTRACT =
  'inputURI outputView authentication contiguousIndex numPartitions partitionBy persist schemaURI schemaView basePath watermark';

export const STAGE_KEYS: Readonly<Record<string, StageKeys>> = {
  ConfigExecute: keys(
    'inputURI sql authentication sqlParams outputView persist',
    '',
    SQL_SOURCE
  ),
  ControlFlowExecute: keys(
    'key inputURI sql authentication sqlParams',
    '',
    SQL_SOURCE
  ),
  HTTPExecute: keys('uri headers payloads validStatusCodes', 'uri'),
  JDBCExecute: keys(
    'inputURI jdbcURL authentication password sqlParams user',
    'inputURI jdbcURL'
  ),
  LogExecute: keys('inputURI sql authentication sqlParams', '', SQL_SOURCE),
  PipelineExecute: keys('uri authentication', 'uri'),
  AvroExtract: keys(
    `${FILE_EXTRACT} inputView avroSchemaURI inputField`,
    'outputView',
    'inputURI inputView'
  ),
  BytesExtract: keys(
    'inputView inputURI outputView authentication contiguousIndex numPartitions persist failMode',
    'outputView',
    'inputURI inputView'
  ),
  DelimitedExtract: keys(
    `${FILE_EXTRACT} inputView delimiter quote header customDelimiter inputField`,
    'outputView',
    'inputURI inputView'
  ),
  HTTPExtract: keys(
    'inputView inputURI outputView body headers method numPartitions partitionBy persist validStatusCodes uriField bodyField',
    'outputView',
    'inputURI inputView'
  ),
  ImageExtract: keys(
    'inputURI outputView authentication dropInvalid numPartitions partitionBy persist basePath watermark',
    'inputURI outputView'
  ),
  JDBCExtract: keys(
    'jdbcURL tableName outputView authentication contiguousIndex fetchsize numPartitions partitionBy partitionColumn persist predicates schemaURI schemaView',
    'jdbcURL tableName outputView'
  ),
  JSONExtract: keys(
    `${FILE_EXTRACT} inputView multiLine inputField`,
    'outputView',
    'inputURI inputView'
  ),
  MetadataExtract: keys(
    'inputView outputView persist numPartitions partitionBy',
    'inputView outputView'
  ),
  ORCExtract: keys(FILE_EXTRACT, 'inputURI outputView'),
  ParquetExtract: keys(FILE_EXTRACT, 'inputURI outputView'),
  RateExtract: keys(
    'outputView rowsPerSecond rampUpTime numPartitions',
    'outputView'
  ),
  StatisticsExtract: keys(
    'inputView outputView persist approximate histogram hllRelativeSD',
    'inputView outputView'
  ),
  TextExtract: keys(
    'inputURI inputView outputView authentication contiguousIndex multiLine numPartitions persist schemaURI schemaView basePath watermark',
    'outputView',
    'inputURI inputView'
  ),
  AvroLoad: keys(
    'inputView outputURI authentication numPartitions partitionBy saveMode',
    'inputView outputURI'
  ),
  ConsoleLoad: keys('inputView outputMode', 'inputView'),
  DelimitedLoad: keys(
    'inputView outputURI authentication delimiter header numPartitions partitionBy quote saveMode customDelimiter',
    'inputView outputURI'
  ),
  HTTPLoad: keys(
    'inputView outputURI headers validStatusCodes',
    'inputView outputURI'
  ),
  JDBCLoad: keys(
    'inputView jdbcURL tableName batchsize createTableColumnTypes createTableOptions isolationLevel numPartitions saveMode tablock truncate',
    'inputView jdbcURL tableName'
  ),
  JSONLoad: keys(
    'inputView outputURI authentication numPartitions partitionBy saveMode',
    'inputView outputURI'
  ),
  ORCLoad: keys(
    'inputView outputURI authentication numPartitions partitionBy saveMode',
    'inputView outputURI'
  ),
  ParquetLoad: keys(
    'inputView outputURI authentication numPartitions partitionBy saveMode',
    'inputView outputURI'
  ),
  TextLoad: keys(
    'inputView outputURI authentication numPartitions partitionBy saveMode singleFile prefix separator suffix',
    'inputView'
  ),
  DiffTransform: keys(
    'inputLeftView inputLeftKeys inputRightView inputRightKeys outputIntersectionView outputLeftView outputRightView persist',
    'inputLeftView inputRightView'
  ),
  HTTPTransform: keys(
    'inputView outputView uri headers inputField persist validStatusCodes batchSize delimiter numPartitions partitionBy failMode',
    'inputView outputView uri'
  ),
  JSONTransform: keys(
    'inputView outputView persist numPartitions partitionBy',
    'inputView outputView'
  ),
  MLTransform: keys(
    'inputURI inputView outputView authentication persist numPartitions partitionBy',
    'inputURI inputView outputView'
  ),
  MetadataFilterTransform: keys(
    'inputURI sql inputView outputView authentication persist sqlParams numPartitions partitionBy',
    'inputView outputView',
    SQL_SOURCE
  ),
  MetadataTransform: keys(
    'inputView outputView schema schemaView schemaURI failMode persist numPartitions partitionBy',
    'inputView outputView'
  ),
  SQLTransform: keys(
    'inputURI sql outputView authentication persist sqlParams numPartitions partitionBy',
    'outputView',
    SQL_SOURCE
  ),
  SimilarityJoinTransform: keys(
    'leftView leftFields rightView rightFields outputView persist shingleLength numHashTables threshold caseSensitive numPartitions partitionBy',
    'leftView leftFields rightView rightFields outputView'
  ),
  TensorFlowServingTransform: keys(
    'inputView outputView uri batchSize inputField persist responseType signatureName numPartitions partitionBy',
    'inputView outputView uri'
  ),
  TypingTransform: keys(
    'schema schemaURI schemaView inputView outputView authentication failMode persist numPartitions partitionBy',
    'inputView outputView'
  ),
  EqualityValidate: keys('leftView rightView', 'leftView rightView'),
  MetadataValidate: keys(
    'inputURI sql inputView authentication sqlParams',
    'inputView',
    SQL_SOURCE
  ),
  SQLValidate: keys('inputURI sql authentication sqlParams', '', SQL_SOURCE),
  DeltaLakeExtract: keys(
    'inputURI outputView numPartitions partitionBy persist options authentication schemaURI schemaView',
    'inputURI outputView'
  ),
  DeltaLakeLoad: keys(
    'inputView outputURI authentication numPartitions partitionBy saveMode replaceWhere mergeSchema overwriteSchema outputMode checkpointLocation options generateSymlinkManifest',
    'inputView outputURI'
  ),
  DeltaLakeMergeLoad: keys(
    'inputView outputURI createTableIfNotExists authentication generateSymlinkManifest condition whenMatchedDeleteFirst whenNotMatchedByTargetInsert whenNotMatchedBySourceDelete whenMatchedUpdate whenMatchedDelete partitionBy numPartitions',
    'inputView outputURI condition'
  )
};

/** Keys naming a view a stage reads, and ones naming a view it creates. */
export const INPUT_VIEW_KEYS = [
  'inputView',
  'inputLeftView',
  'inputRightView',
  'leftView',
  'rightView'
];
export const OUTPUT_VIEW_KEYS = [
  'outputView',
  'outputIntersectionView',
  'outputLeftView',
  'outputRightView'
];
