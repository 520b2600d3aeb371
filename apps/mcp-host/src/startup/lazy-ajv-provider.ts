// Bundled IN PLACE OF the SDK's `validation/ajv-provider.js` (see tsup.config.ts); the host's code never imports it.
//
// The SDK's `Server` and `Client` construct an `AjvJsonSchemaValidator` in their constructors, and its module imports
// ajv and ajv-formats: ~300 KB of code to compile and evaluate, and an Ajv instance with every format compiled,
// before the host can answer its first `initialize`. The host's own server never asks for a validator (it sends no
// elicitation); the connector proxy's SDK clients do, for upstream tools with an output schema — and they exist
// only in the connect phase. So the SDK's real provider, and ajv with it, is bundled into the connect phase's chunk,
// which hands its class over with `provideAjvJsonSchemaValidator` when it loads (src/connect-phase.ts).
import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from '@modelcontextprotocol/sdk/validation/index.js';

/** The SDK's `AjvJsonSchemaValidator` class. */
export type AjvValidatorClass = new (...args: never[]) => jsonSchemaValidator;

let realValidatorClass: AjvValidatorClass | undefined;

/** Hands over the SDK's real validator class; the connect phase calls this when its chunk loads. */
export function provideAjvJsonSchemaValidator(validatorClass: AjvValidatorClass): void {
  realValidatorClass = validatorClass;
}

/**
 * The SDK's `AjvJsonSchemaValidator`, built — with the arguments it was given — the first time a validator is
 * asked for.
 *
 * @throws {Error} from `getValidator` when that happens before the connect phase has loaded: nothing in the host
 *   does that; code that validates JSON Schemas earlier must import the connect phase first.
 */
export class AjvJsonSchemaValidator implements jsonSchemaValidator {
  readonly #args: never[];
  #real: jsonSchemaValidator | undefined;

  constructor(...args: never[]) {
    this.#args = args;
  }

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    if (!this.#real) {
      if (!realValidatorClass) {
        throw new Error(
          'The JSON Schema validator (ajv) is part of the connect phase and is not loaded yet: import src/connect-phase.ts before validating.',
        );
      }
      this.#real = new realValidatorClass(...this.#args);
    }
    return this.#real.getValidator<T>(schema);
  }
}
