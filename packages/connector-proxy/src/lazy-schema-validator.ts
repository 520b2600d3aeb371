import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from '@modelcontextprotocol/sdk/validation/types.js';

/**
 * The SDK `Client` builds an Ajv instance (with every format compiled) in its constructor, ~0.7 ms of CPU per
 * connect: with 200 connectors that is 140 ms of a cold sync, spent even though a client only validates the results
 * of tools that declare an `outputSchema`. This stand-in builds the real validator on first use. Each client keeps
 * its own: one Ajv shared across connectors would let one connector's schema `$id` shadow another's.
 */
export class LazyJsonSchemaValidator implements jsonSchemaValidator {
  readonly #create: () => jsonSchemaValidator;
  #real: jsonSchemaValidator | undefined;

  /** @param create builds the real validator; default the SDK's `AjvJsonSchemaValidator`. */
  constructor(create: () => jsonSchemaValidator = () => new AjvJsonSchemaValidator()) {
    this.#create = create;
  }

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    this.#real ??= this.#create();
    return this.#real.getValidator<T>(schema);
  }
}
