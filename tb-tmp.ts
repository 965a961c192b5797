import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
const R = Type.Enum(['agent', 'supervisor', 'admin']);
type R = Static<typeof R>;
const x: R = 'agent';
console.log(JSON.stringify(R), JSON.stringify([...Compile(R).Errors('owner')]));
const U = Type.Union([Type.Literal('a'), Type.Literal('b')]);
console.log(JSON.stringify(U), JSON.stringify([...Compile(U).Errors('c')]));
