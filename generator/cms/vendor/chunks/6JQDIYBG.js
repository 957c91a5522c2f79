import{a}from"./6QFQRVWK.js";export{a as default};
