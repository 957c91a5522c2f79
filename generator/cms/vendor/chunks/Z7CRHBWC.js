import{a}from"./AUFIVR2A.js";import"./6QFQRVWK.js";export{a as default};
