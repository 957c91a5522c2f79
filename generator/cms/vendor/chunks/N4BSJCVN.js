import{a}from"./ZG4C46KX.js";import"./6QFQRVWK.js";export{a as default};
