/**
 * The model index from parsed JSON: the shared schema (contracts/models-index.schema.json, the
 * file pytest checks too) with ajv, then the rules across entries (modelsIndex.ts).
 */
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import schema from '../../contracts/models-index.schema.json';
import { schemaProblem } from './metadata';
import { checkModelsIndex, ModelsIndexError, type ModelsIndex } from './modelsIndex';

let validateSchema: ValidateFunction<ModelsIndex> | undefined;
function schemaValidator(): ValidateFunction<ModelsIndex> {
  validateSchema ??= new Ajv2020({ allErrors: true }).compile<ModelsIndex>(schema);
  return validateSchema;
}

/** Validates parsed JSON and returns it typed, or throws ModelsIndexError naming the field. */
export function parseModelsIndex(json: unknown): ModelsIndex {
  const validate = schemaValidator();
  if (!validate(json)) {
    const { field, message } = schemaProblem(validate.errors);
    throw new ModelsIndexError(field, message);
  }
  checkModelsIndex(json);
  return json;
}
